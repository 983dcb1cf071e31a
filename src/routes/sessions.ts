import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type passport from 'passport';
import type { User } from '../db/types.ts';
import { safeReturnTo } from '../http/auth.ts';
import { rateLimiters } from '../http/rate-limit.ts';
import { addFlash } from '../http/view-locals.ts';
import type { AppContext } from './context.ts';

const loginSchema = z.object({
  email: z.string().trim().min(1).max(254),
  password: z.string().min(1).max(1024),
  _csrf: z.string().optional(),
});

function emailOf(body: unknown): string {
  const email = body && typeof body === 'object' && 'email' in body ? body.email : undefined;
  return typeof email === 'string' ? email.slice(0, 254) : '';
}

export function sessionRoutes(ctx: AppContext, auth: passport.PassportStatic): Router {
  const router = Router();
  const limits = rateLimiters(ctx.config);

  router.get('/login', (req, res) => {
    if (req.user) {
      addFlash(req, 'info', 'flash.already_logged_in');
      res.redirect(303, '/');
      return;
    }
    res.render('sessions/new', { input: {}, errors: {} });
  });

  router.post('/login', ...limits.login, (req, res, next) => {
    const parsed = loginSchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(422).render('sessions/new', { input: { email: emailOf(req.body) }, errors: { form: [{ key: 'errors.login_failed' }] } });
      return;
    }
    const handler = auth.authenticate('local', (err: unknown, user: User | false, info?: { message?: string }) => {
      if (err) {
        next(err);
        return;
      }
      if (!user && info?.message === 'not_activated') {
        // Only reached with the right password, so it reveals nothing to a guesser.
        res.status(403).render('sessions/new', { input: { email: parsed.data.email }, errors: { form: [{ key: 'errors.not_activated' }] }, showResend: true });
        return;
      }
      if (!user) {
        // One message for unknown email and wrong password: no account enumeration.
        res.status(401).render('sessions/new', { input: { email: parsed.data.email }, errors: { form: [{ key: 'errors.login_failed' }] } });
        return;
      }
      const returnTo = safeReturnTo(req.session.returnTo);
      // req.login regenerates the session id (no session fixation).
      req.login(user, (loginErr) => {
        if (loginErr) {
          next(loginErr);
          return;
        }
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
