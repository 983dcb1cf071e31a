import type { GithubIdentity, User } from '../domain/user.ts';
import type { ServiceContext } from './context.ts';

/**
 * The account behind a session, reloaded on every request: a deleted or blocked account loses
 * its sessions at once.
 */
export async function sessionUser(ctx: ServiceContext, id: number): Promise<User | null> {
  const user = await ctx.db.users.findById(id);
  return user && !user.blocked ? user : null;
}

/** The account for a GitHub identity, created on first login; nickname and email follow GitHub. */
export function githubSignIn(ctx: ServiceContext, identity: GithubIdentity): Promise<User> {
  return ctx.db.users.upsertGithub(identity, ctx.now());
}
