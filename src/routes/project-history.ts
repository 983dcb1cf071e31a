import { Router } from 'express';
import { requireLogin } from '../http/auth.ts';
import { HttpError, forbidden } from '../http/errors.ts';
import { loadProject } from '../http/request.ts';
import { can } from '../policies/projects.ts';
import { HISTORY_LIMIT, historyJson, historyView } from '../presenters/project-history.ts';
import type { RouteContext } from './context.ts';

/**
 * The answer history of a project. Who changed what is shown to the people who may edit the
 * project (owner, collaborators, admins); the JSON export only to the owner and admins.
 * Mounted before the project routes, whose /projects/:id/:level would take "history".
 */
export function projectHistoryRoutes(ctx: RouteContext): Router {
  const router = Router();

  router.get('/projects/:id/history.json', async (req, res) => {
    if (!req.user) throw new HttpError(401, 'login_required', 'login_required');
    const project = await loadProject(ctx, req);
    // There is no separate "control" action: the delete right is exactly "owner or admin".
    if (!can(req.user, 'delete', project)) throw forbidden('history_export');
    res.json(historyJson(await ctx.services.projectChanges(project.id, HISTORY_LIMIT)));
  });

  router.get('/projects/:id/history', requireLogin, async (req, res) => {
    const project = await loadProject(ctx, req);
    if (!can(req.user, 'edit', project)) throw forbidden('history_view');
    const changes = historyView(ctx.criteria, await ctx.services.projectChanges(project.id, HISTORY_LIMIT));
    res.render('projects/history', { project, changes, limit: HISTORY_LIMIT, canExport: can(req.user, 'delete', project) });
  });

  return router;
}
