import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { AdminUserRow } from '../domain/admin.ts';
import { requireLogin } from '../http/auth.ts';
import { forbidden, notFound } from '../http/errors.ts';
import { parseId } from '../http/params.ts';
import { addFlash } from '../http/view-locals.ts';
import { can, canAdminister } from '../policies/projects.ts';
import { pager } from '../presenters/pagination.ts';
import { CHANGES_PER_PAGE, CHANGE_KINDS, DELETED_PER_PAGE, USERS_PER_PAGE, type AdminOutcome } from '../services/admin.ts';
import { RESTORE_DAYS, type FormInput } from '../services/deletion.ts';
import type { FieldErrors } from '../services/validation.ts';
import { formBody } from '../http/request.ts';
import type { RouteContext } from './context.ts';

const requireAdmin: RequestHandler = (req, _res, next) => {
  if (!canAdminister(req.user)) throw forbidden('admin_only');
  next();
};


/** The admin area: users (search, block, delete), deleted projects (restore) and recent changes. */
export function adminRoutes(ctx: RouteContext): Router {
  const router = Router();
  // One gate for the whole area, so a page added later cannot forget it.
  router.use('/admin', requireLogin, requireAdmin);

  router.get('/admin', (_req, res) => {
    res.render('admin/index', { restoreDays: RESTORE_DAYS });
  });

  router.get('/admin/users', async (req, res) => {
    const outcome = await ctx.services.listUsers(req.query);
    if (!outcome.ok) {
      res.status(422).render('admin/users', { query: outcome.query, errors: outcome.errors, users: [], pager: null });
      return;
    }
    res.render('admin/users', {
      query: outcome.query,
      errors: {},
      users: outcome.result.rows,
      pager: pager('/admin/users', { q: outcome.query.q }, outcome.page, USERS_PER_PAGE, outcome.result.total),
    });
  });

  async function loadUser(req: Request): Promise<AdminUserRow> {
    const target = await ctx.services.findAdminUser(parseId(req.params.id as string, 'user'));
    if (!target) throw notFound('user');
    return target;
  }

  function renderUser(req: Request, res: Response, target: AdminUserRow, status: number, input: FormInput, errors: FieldErrors) {
    res.status(status).render('admin/user', {
      target,
      // Not "self": Pug reads that local as its own compile option.
      isSelf: req.user?.id === target.id,
      rationale: typeof input.blocked_rationale === 'string' ? input.blocked_rationale : '',
      deleteProjects: input.delete_projects === '1',
      errors,
    });
  }

  router.get('/admin/users/:id', async (req, res) => {
    renderUser(req, res, await loadUser(req), 200, {}, {});
  });

  /** Runs an account action; errors re-render the user's page, success goes back to it (or the list). */
  function userAction(
    run: (target: AdminUserRow, input: FormInput, req: Request) => Promise<AdminOutcome>,
    flash: (target: AdminUserRow, outcome: Extract<AdminOutcome, { ok: true }>) => [string, string],
  ): RequestHandler {
    return async (req, res) => {
      const target = await loadUser(req);
      const input = formBody(req);
      const outcome = await run(target, input, req);
      if (!outcome.ok) {
        renderUser(req, res, target, 422, input, outcome.errors);
        return;
      }
      const [key, location] = flash(target, outcome);
      addFlash(req, 'success', key, { name: target.name });
      res.redirect(303, location);
    };
  }

  router.post(
    '/admin/users/:id/block',
    userAction(
      (target, input, req) => ctx.services.blockUser(req.user!, target, input),
      (target) => ['admin:flash.user_blocked', `/admin/users/${target.id}`],
    ),
  );

  router.post(
    '/admin/users/:id/unblock',
    userAction(
      (target, _input, req) => ctx.services.unblockUser(req.user!, target),
      (target) => ['admin:flash.user_unblocked', `/admin/users/${target.id}`],
    ),
  );

  router.post(
    '/admin/users/:id/delete',
    userAction(
      (target, input, req) => ctx.services.deleteUser(req.user!, target, input),
      (_target, outcome) => [outcome.anonymised ? 'admin:flash.user_anonymised' : 'admin:flash.user_deleted', '/admin/users'],
    ),
  );

  router.get('/admin/projects/deleted', async (req, res) => {
    const outcome = await ctx.services.listDeletedProjects(req.query);
    if (!outcome.ok) {
      res.status(422).render('admin/deleted-projects', { errors: outcome.errors, projects: [], pager: null, restoreDays: RESTORE_DAYS });
      return;
    }
    res.render('admin/deleted-projects', {
      errors: {},
      projects: outcome.result.rows,
      pager: pager('/admin/projects/deleted', {}, outcome.page, DELETED_PER_PAGE, outcome.result.total),
      restoreDays: RESTORE_DAYS,
    });
  });

  router.post('/admin/projects/:id/restore', async (req, res) => {
    const project = await ctx.services.findProjectIncludingDeleted(parseId(req.params.id));
    if (!project?.deletedAt) throw notFound('deleted_project');
    if (!can(req.user, 'restore', project)) throw forbidden('restore_project');
    if (!(await ctx.services.restoreProject(req.user!, project))) throw notFound('deleted_project');
    addFlash(req, 'success', 'admin:flash.project_restored', { name: project.name ?? `#${project.id}` });
    res.redirect(303, `/projects/${project.id}`);
  });

  router.get('/admin/changes', async (req, res) => {
    const outcome = await ctx.services.listChanges(req.query);
    const common = { kinds: CHANGE_KINDS, query: outcome.query };
    if (!outcome.ok) {
      res.status(422).render('admin/changes', { ...common, errors: outcome.errors, changes: [], pager: null });
      return;
    }
    res.render('admin/changes', {
      ...common,
      errors: {},
      changes: outcome.result.rows,
      pager: pager('/admin/changes', { kind: outcome.query.kind }, outcome.page, CHANGES_PER_PAGE, outcome.result.total),
    });
  });

  return router;
}
