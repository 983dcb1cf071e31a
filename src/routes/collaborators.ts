import { Router, type Request, type Response } from 'express';
import type { ProjectWithOwner } from '../domain/project.ts';
import type { User } from '../domain/user.ts';
import { requireLogin } from '../http/auth.ts';
import { HttpError, notFound, sendFieldErrors, wantsJson } from '../http/errors.ts';
import { parseId } from '../http/params.ts';
import { addFlash } from '../http/view-locals.ts';
import { can } from '../policies/projects.ts';
import { type ChangeOutcome, type FormInput } from '../services/collaborators.ts';
import type { FieldErrors } from '../services/validation.ts';
import { formBody, loadProject } from '../http/request.ts';
import type { RouteContext } from './context.ts';
import type { Translate } from '../i18n.ts';

type RefusalCode = 'collaborators_view_forbidden' | 'collaborators_add_forbidden' | 'collaborators_remove_forbidden';


/** requireLogin runs first on every route here, so the user is always present. */
function currentUser(req: Request): User {
  if (!req.user) throw new HttpError(401, 'login_required', 'login_required');
  return req.user;
}

/**
 * Collaborators ("additional rights"): who besides the owner may edit a project.
 *
 * Must be mounted before the project routes: `/projects/:id/:level` would otherwise claim
 * `/projects/:id/collaborators` as an unknown level.
 */
export function collaboratorRoutes(ctx: RouteContext): Router {
  const router = Router();

  // Upstream silently ignored forbidden collaborator changes; an explicit 403 tells the user why.
  const refused = (code: RefusalCode): HttpError => new HttpError(403, code, code);


  async function renderPage(req: Request, res: Response, project: ProjectWithOwner, status: number, input: FormInput, errors: FieldErrors) {
    const page = await ctx.services.collaboratorsPage(req.user, project);
    res.status(status).render('collaborators/index', { project, ...page, input, errors });
  }

  async function sendFailure(req: Request, res: Response, project: ProjectWithOwner, outcome: Exclude<ChangeOutcome, { ok: true }>, input: FormInput, refusal: RefusalCode) {
    if (outcome.status === 403) throw refused(refusal);
    if (outcome.status === 404) throw notFound('project');
    if (wantsJson(req)) {
      sendFieldErrors(res, res.locals.t as Translate, outcome.status, 'collaborators:errors_summary', outcome.errors);
      return;
    }
    await renderPage(req, res, project, outcome.status, input, outcome.errors);
  }

  router.get('/projects/:id/collaborators', requireLogin, async (req, res) => {
    const project = await loadProject(ctx, req);
    if (!can(req.user, 'edit', project)) throw refused('collaborators_view_forbidden');
    await renderPage(req, res, project, 200, {}, {});
  });

  router.post('/projects/:id/collaborators', requireLogin, async (req, res) => {
    const project = await loadProject(ctx, req);
    if (!can(req.user, 'add_collaborator', project)) throw refused('collaborators_add_forbidden');
    const input = formBody(req);
    const outcome = await ctx.services.addCollaborator(currentUser(req), project, input);
    if (!outcome.ok) {
      await sendFailure(req, res, project, outcome, input, 'collaborators_add_forbidden');
      return;
    }
    addFlash(req, 'success', 'collaborators:added', { name: outcome.user.name, id: outcome.user.id });
    res.redirect(303, `/projects/${project.id}/collaborators`);
  });

  router.post('/projects/:id/collaborators/:userId/delete', requireLogin, async (req, res) => {
    const project = await loadProject(ctx, req);
    const userId = parseId(req.params.userId as string, 'user');
    if (!can(req.user, 'remove_collaborator', project, userId)) throw refused('collaborators_remove_forbidden');
    const actor = currentUser(req);
    const outcome = await ctx.services.removeCollaborator(actor, project, userId);
    if (!outcome.ok) {
      await sendFailure(req, res, project, outcome, {}, 'collaborators_remove_forbidden');
      return;
    }
    const remaining = { ...project, additionalRightUserIds: project.additionalRightUserIds.filter((id) => id !== userId) };
    if (userId === actor.id) addFlash(req, 'success', 'collaborators:left');
    else addFlash(req, 'success', 'collaborators:removed', { name: outcome.user.name, id: outcome.user.id });
    // Someone who just gave up their own rights can no longer open the collaborators page.
    res.redirect(303, can(actor, 'edit', remaining) ? `/projects/${project.id}/collaborators` : `/projects/${project.id}`);
  });

  return router;
}
