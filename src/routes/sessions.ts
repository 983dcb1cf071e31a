import { Router, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type passport from 'passport';
import type { User } from '../domain/user.ts';
import { forgetReturnTo, returnToOf, safeReturnTo } from '../http/auth.ts';
import { notFound } from '../http/errors.ts';
import { GITHUB_SCOPES } from '../http/github-auth.ts';
import type { RouteLimits } from '../http/rate-limit.ts';
import { addFlash } from '../http/view-locals.ts';
import { parseForm } from '../services/validation.ts';
import type { RouteContext } from './context.ts';
import { redactedError } from '../logger.ts';

const loginSchema = z.object({
  email: z.string().trim().min(1).max(254),
  password: z.string().min(1).max(1024),
  remember_me: z.literal('1').optional(),
  _csrf: z.string().optional(),
});

function emailOf(body: unknown): string {
  const email = body && typeof body === 'object' && 'email' in body ? body.email : undefined;
  return typeof email === 'string' ? email.slice(0, 254) : '';
}

export function sessionRoutes(ctx: RouteContext, auth: passport.PassportStatic, limits: RouteLimits): Router {
  const router = Router();

  const renderLogin = (res: Response, status: number, input: { email?: string }, errorKey?: string) => {
    res.status(status).render('sessions/new', {
      input,
      errors: errorKey ? { form: [{ key: errorKey }] } : {},
      showResend: errorKey === 'errors.not_activated',
      githubScopes: ctx.config.github ? GITHUB_SCOPES : null,
    });
  };

  router.get('/login', (req, res) => {
    if (req.user) {
      addFlash(req, 'info', 'flash.already_logged_in');
      res.redirect(303, '/');
      return;
    }
    // Sent here by a page that needs a login (src/http/auth.ts): say why.
    if (returnToOf(req) !== undefined) res.locals.flash = [{ type: 'info', key: 'flash.login_required' }];
    renderLogin(res, 200, {});
  });

  router.post('/auth/github', (req, res, next) => {
    if (!ctx.config.github) throw notFound('github_login');
    // A POST may create the session: the OAuth state and the page to return to live there.
    req.session.returnTo = returnToOf(req) ?? safeReturnTo(req.session.returnTo);
    forgetReturnTo(res);
    (auth.authenticate('github') as RequestHandler)(req, res, next);
  });

  router.get('/auth/github/callback', (req, res, next) => {
    if (!ctx.config.github) throw notFound('github_login');
    const returnTo = safeReturnTo(req.session.returnTo);
    const handler = auth.authenticate('github', (err: unknown, user: User | false, info?: { githubToken?: string }) => {
      if (err || !user) {
        // Denied on GitHub, state mismatch, blocked account or GitHub unreachable.
        if (err) ctx.logger.warn('GitHub login failed', { error: redactedError(err) });
        addFlash(req, 'danger', 'flash.github_failed');
        res.redirect(303, '/login');
        return;
      }
      req.login(user, (loginErr) => {
        if (loginErr) {
          next(loginErr);
          return;
        }
        req.session.githubToken = info?.githubToken;
        // GitHub logins never get a persistent cookie: the session ends with the browser.
        req.session.cookie.maxAge = undefined;
        addFlash(req, 'success', 'flash.logged_in', { name: user.name });
        res.redirect(303, returnTo ?? '/');
      });
    }) as RequestHandler;
    handler(req, res, next);
  });

  router.post('/login', ...limits.login, (req, res, next) => {
    // Whatever is wrong with the form, the answer reads like a wrong password.
    const parsed = parseForm(loginSchema, req.body);
    if (!parsed.ok) {
      renderLogin(res, 422, { email: emailOf(req.body) }, 'errors.login_failed');
      return;
    }
    const handler = auth.authenticate('local', (err: unknown, user: User | false, info?: { message?: string }) => {
      if (err) {
        next(err);
        return;
      }
      if (!user && info?.message === 'not_activated') {
        // Only reached with the right password, so it reveals nothing to a guesser.
        renderLogin(res, 403, { email: parsed.value.email }, 'errors.not_activated');
        return;
      }
      if (!user) {
        // One message for unknown email and wrong password: no account enumeration.
        renderLogin(res, 401, { email: parsed.value.email }, 'errors.login_failed');
        return;
      }
      const returnTo = returnToOf(req) ?? safeReturnTo(req.session.returnTo);
      forgetReturnTo(res);
      // req.login regenerates the session id (no session fixation).
      req.login(user, (loginErr) => {
        if (loginErr) {
          next(loginErr);
          return;
        }
        // "Remember me" keeps the cookie across browser restarts; either way the session ends
        // after 48 hours without a request (server-side expiry).
        if (!parsed.value.remember_me) req.session.cookie.maxAge = undefined;
        addFlash(req, 'success', 'flash.logged_in', { name: user.name });
        res.redirect(303, returnTo ?? '/');
      });
    }) as RequestHandler;
    handler(req, res, next);
  });

  router.post('/logout', (req, res, next) => {
    req.logout((err) => {
      if (err) {
        next(err);
        return;
      }
      req.session.destroy((destroyErr) => {
        if (destroyErr) {
          next(destroyErr);
          return;
        }
        res.clearCookie('badgeapp_session');
        res.redirect(303, '/');
      });
    });
  });

  return router;
}
