import { Router, type Request, type Response } from 'express';
import { requireLogin } from '../http/auth.ts';
import { addFlash } from '../http/view-locals.ts';
import { SUPPORTED_LOCALES } from '../i18n.ts';
import type { CriteriaSet } from '../criteria/index.ts';
import { MY_PROJECTS_MAX, type UserProjects } from '../services/list.ts';
import { badgeLevelName } from '../services/scoring/index.ts';
import { verifyUnsubscribe } from '../services/mail/unsubscribe.ts';
import type { FieldErrors } from '../services/validation.ts';
import type { RouteContext } from './context.ts';

function body(req: Request): Record<string, unknown> {
  return req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
}

/** How many of the user's projects the account and home pages show before linking to the full list. */
export const MY_PROJECTS_PREVIEW = 10;

/** View model of views/partials/_my-projects.pug. */
export function myProjectsView(criteria: CriteriaSet, userId: number, list: UserProjects, preview: boolean) {
  return {
    userId,
    preview,
    more: list.more,
    max: MY_PROJECTS_MAX,
    entries: list.entries.map((p) => ({ ...p, badgeLevel: badgeLevelName(criteria, p.tieredPercentage) })),
  };
}

/** The signed-in user's own account: profile, email, password, deletion, their projects. */
export function profileRoutes(ctx: RouteContext): Router {
  const router = Router();

  const render = async (req: Request, res: Response, status: number, errors: FieldErrors = {}, input: Record<string, unknown> = {}) => {
    const user = req.user!;
    const mine = myProjectsView(ctx.criteria, user.id, await ctx.services.userProjects(user.id, MY_PROJECTS_PREVIEW), true);
    res.status(status).render('profile/edit', { errors, input, locales: SUPPORTED_LOCALES, myProjects: mine });
  };

  router.get('/account', requireLogin, async (req, res) => {
    await render(req, res, 200);
  });

  router.get('/account/projects', requireLogin, async (req, res) => {
    const user = req.user!;
    const mine = myProjectsView(ctx.criteria, user.id, await ctx.services.userProjects(user.id, MY_PROJECTS_MAX), false);
    res.render('profile/projects', { myProjects: mine });
  });

  router.post('/account', requireLogin, async (req, res) => {
    const outcome = await ctx.services.updateProfile(req.user!, body(req));
    if (!outcome.ok) {
      await render(req, res, 422, outcome.errors, body(req));
      return;
    }
    addFlash(req, 'success', 'profile:saved');
    res.redirect(303, '/account');
  });

  router.post('/account/password', requireLogin, async (req, res) => {
    const outcome = await ctx.services.changePassword(req.user!, body(req), req.sessionID);
    if (!outcome.ok) {
      await render(req, res, 422, outcome.errors);
      return;
    }
    addFlash(req, 'success', 'profile:password_changed');
    res.redirect(303, '/account');
  });

  router.post('/account/email', requireLogin, async (req, res) => {
    const outcome = await ctx.services.requestEmailChange(req.user!, body(req));
    if (!outcome.ok) {
      await render(req, res, 422, outcome.errors, { new_email: body(req).email });
      return;
    }
    addFlash(req, 'info', 'profile:email_change_sent');
    res.redirect(303, '/account');
  });

  router.get('/email_changes/:token', async (req, res) => {
    res.set('Referrer-Policy', 'no-referrer');
    const valid = await ctx.services.emailChangeTokenValid(req.params.token);
    res.status(valid ? 200 : 404).render('profile/confirm-email', { token: req.params.token, valid });
  });

  router.post('/email_changes/:token', async (req, res) => {
    const result = await ctx.services.confirmEmailChange(req.params.token);
    if (result !== 'changed') {
      res.status(result === 'taken' ? 409 : 404).render('profile/confirm-email', { token: req.params.token, valid: false, taken: result === 'taken' });
      return;
    }
    addFlash(req, 'success', 'profile:email_changed');
    res.redirect(303, req.user ? '/account' : '/login');
  });

  router.post('/account/delete', requireLogin, async (req, res, next) => {
    const outcome = await ctx.services.deleteAccount(req.user!, body(req));
    if (!outcome.ok) {
      // The page holds three forms with a current_password field; this marks whose errors these are.
      await render(req, res, 422, outcome.errors, { delete_account: '1' });
      return;
    }
    req.logout((err) => {
      if (err) {
        next(err);
        return;
      }
      req.session.destroy(() => {
        res.clearCookie('badgeapp_session');
        res.redirect(303, '/');
      });
    });
  });

  return router;
}

/**
 * Routes authenticated by a signed token instead of a session: mail providers send the RFC 8058
 * one-click unsubscribe POST without cookies or CSRF token, so these are mounted before both.
 */
export function signedLinkRoutes(ctx: RouteContext): Router {
  const router = Router();

  router.get('/unsubscribe', (req, res) => {
    const userId = verifyUnsubscribe(ctx.config.unsubscribeKeys, req.query, ctx.now());
    res.status(userId === null ? 400 : 200).render('profile/unsubscribe', { valid: userId !== null, query: req.query, done: false });
  });

  router.post('/unsubscribe', async (req, res) => {
    // One-click clients post to the link itself; the form posts the same fields in its body.
    const params = { ...(req.query as Record<string, unknown>), ...body(req) };
    const userId = verifyUnsubscribe(ctx.config.unsubscribeKeys, params, ctx.now());
    if (userId === null) {
      res.status(400).render('profile/unsubscribe', { valid: false, query: {}, done: false });
      return;
    }
    await ctx.services.unsubscribe(userId);
    res.render('profile/unsubscribe', { valid: true, query: {}, done: true });
  });

  return router;
}
