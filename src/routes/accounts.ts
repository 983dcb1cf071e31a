import { Router, type Request } from 'express';
import type { RouteLimits } from '../http/rate-limit.ts';
import { addFlash } from '../http/view-locals.ts';
import type { RouteContext } from './context.ts';

function field(req: Request, name: string): unknown {
  const body: unknown = req.body;
  return body && typeof body === 'object' && name in body ? (body as Record<string, unknown>)[name] : undefined;
}

/**
 * Links from mails. Opening a link (GET) never changes anything: mail scanners and link
 * previews fetch URLs, so activation and reset happen only when the user presses the button.
 */
export function accountRoutes(ctx: RouteContext, limits: RouteLimits): Router {
  const router = Router();

  router.get('/account_activations/new', (_req, res) => {
    res.render('accounts/resend', { input: {}, errors: {} });
  });

  router.post('/account_activations', ...limits.reset, async (req, res) => {
    await ctx.services.resendActivation(field(req, 'email'));
    res.redirect(303, '/signup/sent');
  });

  router.get('/account_activations/:token', async (req, res) => {
    // The token is a secret in the URL: do not leak it to other sites through Referer.
    res.set('Referrer-Policy', 'no-referrer');
    if (!(await ctx.services.activationTokenValid(req.params.token))) {
      res.status(404).render('accounts/message', { titleKey: 'accounts:link_invalid_title', textKey: 'accounts:activation_invalid', showResend: true });
      return;
    }
    res.render('accounts/activate', { token: req.params.token });
  });

  router.post('/account_activations/:token', async (req, res) => {
    const user = await ctx.services.activate(req.params.token);
    if (!user) {
      res.status(404).render('accounts/message', { titleKey: 'accounts:link_invalid_title', textKey: 'accounts:activation_invalid', showResend: true });
      return;
    }
    addFlash(req, 'success', 'accounts:activated');
    res.redirect(303, '/login');
  });

  router.get('/password_resets/new', (_req, res) => {
    res.render('accounts/reset-request', { input: {}, errors: {} });
  });

  router.post('/password_resets', ...limits.reset, async (req, res) => {
    await ctx.services.requestPasswordReset(field(req, 'email'));
    res.render('accounts/message', { titleKey: 'accounts:reset_sent_title', textKey: 'accounts:reset_sent_text' });
  });

  router.get('/password_resets/:token', async (req, res) => {
    res.set('Referrer-Policy', 'no-referrer');
    if (!(await ctx.services.resetTokenValid(req.params.token))) {
      res.status(404).render('accounts/message', { titleKey: 'accounts:link_invalid_title', textKey: 'accounts:reset_invalid', showReset: true });
      return;
    }
    res.render('accounts/reset', { token: req.params.token, errors: {} });
  });

  router.post('/password_resets/:token', async (req, res) => {
    res.set('Referrer-Policy', 'no-referrer');
    const outcome = await ctx.services.resetPassword(req.params.token, (req.body ?? {}) as Record<string, unknown>, req.sessionID);
    if (outcome.ok) {
      addFlash(req, 'success', 'accounts:password_changed');
      res.redirect(303, '/login');
    } else if (outcome.expired) {
      res.status(404).render('accounts/message', { titleKey: 'accounts:link_invalid_title', textKey: 'accounts:reset_invalid', showReset: true });
    } else {
      res.status(422).render('accounts/reset', { token: req.params.token, errors: outcome.errors });
    }
  });

  return router;
}
