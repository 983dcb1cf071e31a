import { Router } from 'express';
import type { RouteLimits } from '../http/rate-limit.ts';
import type { RouteContext } from './context.ts';

export function userRoutes(ctx: RouteContext, limits: RouteLimits): Router {
  const router = Router();

  router.get('/signup', (req, res) => {
    if (req.user) {
      res.redirect(303, '/');
      return;
    }
    res.render('users/new', { input: {}, errors: {} });
  });

  router.post('/users', ...limits.signup, async (req, res) => {
    const outcome = await ctx.services.signUp(req.body, res.locals.locale as string);
    if (!outcome.ok) {
      const { name, email } = (req.body ?? {}) as Record<string, unknown>;
      res.status(422).render('users/new', {
        input: { name: typeof name === 'string' ? name : '', email: typeof email === 'string' ? email : '' },
        errors: outcome.errors,
      });
      return;
    }
    res.redirect(303, '/signup/sent');
  });

  router.get('/signup/sent', (_req, res) => {
    res.render('accounts/message', { titleKey: 'accounts:sent_title', textKey: 'accounts:sent_text', showResend: true });
  });

  return router;
}
