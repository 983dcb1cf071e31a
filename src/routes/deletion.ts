import { Router, type Request, type Response } from 'express';
import type { ProjectWithOwner } from '../domain/project.ts';
import { requireLogin } from '../http/auth.ts';
import { forbidden, notFound } from '../http/errors.ts';
import { parseId } from '../http/params.ts';
import { addFlash } from '../http/view-locals.ts';
import { can, isAdmin } from '../policies/projects.ts';
import { OWNER_RATIONALE, RESTORE_DAYS, type FormInput } from '../services/deletion.ts';
import type { FieldErrors } from '../services/validation.ts';
import type { RouteContext } from './context.ts';

/**
 * Project deletion by its owner or an admin. Mounted before projectRoutes: its
 * GET /projects/:id/:level would otherwise take "delete" for a level name and answer 404.
 */
export function deletionRoutes(ctx: RouteContext): Router {
  const router = Router();

  async function loadDeletable(req: Request): Promise<ProjectWithOwner> {
    const project = await ctx.services.findProject(parseId(req.params.id as string));
    if (!project) throw notFound('project');
    if (!can(req.user, 'delete', project)) throw forbidden('delete_project');
    return project;
  }

  function renderForm(req: Request, res: Response, project: ProjectWithOwner, status: number, input: FormInput, errors: FieldErrors) {
    res.status(status).render('projects/delete', {
      project,
      adminDelete: isAdmin(req.user),
      rules: OWNER_RATIONALE,
      restoreDays: RESTORE_DAYS,
      rationale: typeof input.deletion_rationale === 'string' ? input.deletion_rationale : '',
      errors,
    });
  }

  router.get('/projects/:id/delete', requireLogin, async (req, res) => {
    renderForm(req, res, await loadDeletable(req), 200, {}, {});
  });

  router.post('/projects/:id/delete', requireLogin, async (req, res) => {
    const project = await loadDeletable(req);
    const input = (req.body && typeof req.body === 'object' ? req.body : {}) as FormInput;
    const outcome = await ctx.services.deleteProject(req.user!, project, input);
    if (!outcome.ok) {
      if (outcome.status === 404) throw notFound('project');
      renderForm(req, res, project, outcome.status, input, outcome.errors);
      return;
    }
    addFlash(req, 'success', 'admin:flash.project_deleted', { name: project.name ?? `#${project.id}` });
    res.redirect(303, '/');
  });

  return router;
}
