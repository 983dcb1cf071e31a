import type passport from 'passport';
import { Strategy as GitHubStrategy, type Profile, type StrategyOptionsWithRequest } from 'passport-github2';
import type { RouteContext } from '../services/index.ts';

/**
 * The smallest scope that lets us read the user's verified email address; push rights on public
 * repositories are visible without any scope. Shown on the login page.
 */
export const GITHUB_SCOPES = ['user:email'];

function primaryEmail(profile: Profile): string | null {
  const emails = (profile.emails ?? []) as { value: string; primary?: boolean; verified?: boolean }[];
  const chosen = emails.find((e) => e.primary && e.verified !== false) ?? emails.find((e) => e.verified !== false);
  return chosen?.value ?? null;
}

export function useGithubStrategy(ctx: RouteContext, auth: passport.PassportStatic): void {
  const github = ctx.config.github;
  if (!github) return;
  auth.use(
    new GitHubStrategy(
      // `state: true` (a per-session random state) is supported by passport-oauth2 but missing from the types.
      {
        clientID: github.clientId,
        clientSecret: github.clientSecret,
        callbackURL: `${ctx.config.publicUrl}/auth/github/callback`,
        authorizationURL: `${github.baseUrl}/login/oauth/authorize`,
        tokenURL: `${github.baseUrl}/login/oauth/access_token`,
        userProfileURL: `${github.apiUrl}/user`,
        userEmailURL: `${github.apiUrl}/user/emails`,
        scope: GITHUB_SCOPES,
        // Binds the callback to the browser that started the login (OAuth CSRF protection).
        state: true,
        passReqToCallback: true,
      } as unknown as StrategyOptionsWithRequest,
      (_req: Express.Request, accessToken: string, _refresh: string, profile: Profile, done: (err: unknown, user?: Express.User | false, info?: never) => void) => {
        ctx.services
          .githubSignIn({ uid: profile.id, nickname: profile.username ?? profile.id, name: profile.displayName || profile.username || profile.id, email: primaryEmail(profile) })
          .then((user) => {
            if (user.blocked) {
              done(null, false);
              return;
            }
            // The token travels as "info" to the callback route, which keeps it in the session.
            done(null, user, { githubToken: accessToken } as never);
          }, done);
      },
    ),
  );
}
