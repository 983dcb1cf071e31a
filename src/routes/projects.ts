import { Router, type Request, type Response } from 'express';
import type { Level } from '../criteria/index.ts';
import type { ProjectWithOwner } from '../domain/project.ts';
import { requireLogin } from '../http/auth.ts';
import { cdnCacheable } from '../http/cache.ts';
import { forbidden, notFound } from '../http/errors.ts';
import { legacyLevel, parseId } from '../http/params.ts';
import { addFlash } from '../http/view-locals.ts';
import { can, canCreateProject } from '../policies/projects.ts';
import { criteriaFilter, editSectionAnchor, projectPageView, type CriteriaFilter } from '../presenters/project-view.ts';
import { type FormInput } from '../services/projects.ts';
import { isLoss } from '../services/scoring/index.ts';
import type { FieldErrors } from '../services/validation.ts';
import { formBody, loadProject } from '../http/request.ts';
import type { RouteContext } from './context.ts';

/** The entry that already uses the submitted repository URL, when that is why the save failed. */
function existingProjectId(errors: FieldErrors): number | undefined {
  const id = errors.repo_url?.find((e) => e.key === 'errors.repo_url_taken')?.values?.id;
  return typeof id === 'number' ? id : undefined;
}

export function projectRoutes(ctx: RouteContext): Router {
  const router = Router();
  const firstLevel = ctx.criteria.levels[0]!;


  function levelParam(req: Request): Level {
    const level = ctx.criteria.level(req.params.level as string);
    if (!level) throw notFound('level');
    return level;
  }

  function renderEdit(res: Response, project: ProjectWithOwner, level: Level, status: number, input: FormInput, errors: FieldErrors, filter: CriteriaFilter = 'all') {
    res.status(status).render('projects/edit', {
      ...projectPageView(ctx.criteria, project, level, input, filter),
      input,
      errors,
      existingProjectId: existingProjectId(errors),
      lockVersion: typeof input.lock_version === 'string' && status !== 409 ? input.lock_version : String(project.lockVersion),
    });
  }

  router.get('/projects/new', requireLogin, (req, res) => {
    res.render('projects/new', { input: {}, errors: {} });
  });

  router.post('/projects', requireLogin, async (req, res) => {
    if (!canCreateProject(req.user)) throw forbidden();
    const input = formBody(req);
    const outcome = await ctx.services.createProject(req.user!, input);
    if (!outcome.ok) {
      res.status(outcome.status).render('projects/new', { input, errors: outcome.errors, existingProjectId: existingProjectId(outcome.errors) });
      return;
    }
    addFlash(req, 'success', 'flash.project_created');
    res.redirect(303, `/projects/${outcome.value.project.id}/${firstLevel.key}/edit`);
  });

  router.get('/projects/:id', (req, res) => {
    const id = parseId(req.params.id);
    res.redirect(302, `/projects/${id}/${firstLevel.key}`);
  });

  router.get('/projects/:id/:level', async (req, res) => {
    const legacy = legacyLevel(ctx.criteria, req.params.level);
    if (legacy) {
      res.redirect(301, `/projects/${parseId(req.params.id)}/${legacy.key}`);
      return;
    }
    const level = levelParam(req);
    const project = await loadProject(ctx, req);
    // What anonymous visitors see is the same for everyone (no session, no flash), so a CDN may
    // keep it until the project changes (purged by its Surrogate-Key).
    if (!req.user && !req.session.flash?.length) cdnCacheable(res, ctx.config, [`projects/${project.id}`]);
    res.render('projects/show', { ...projectPageView(ctx.criteria, project, level, undefined, criteriaFilter(req.query.show)), canEdit: can(req.user, 'edit', project), canTransfer: can(req.user, 'transfer', project), canDelete: can(req.user, 'delete', project) });
  });

  /** Edit right, asking GitHub about push access only when nothing else already grants it. */
  async function mayEdit(req: Request, project: ProjectWithOwner): Promise<boolean> {
    if (can(req.user, 'edit', project)) return true;
    const githubPusher = await ctx.services.mayPushToRepository(req.user, req.session.githubToken, project);
    return can(req.user, 'edit', project, undefined, { githubPusher });
  }

  router.get('/projects/:id/:level/edit', requireLogin, async (req, res) => {
    const level = levelParam(req);
    const project = await loadProject(ctx, req);
    if (!(await mayEdit(req, project))) throw forbidden('edit_project');
    renderEdit(res, project, level, 200, {}, {}, criteriaFilter(req.query.show));
  });

  const update = async (req: Request, res: Response) => {
    const level = levelParam(req);
    const project = await loadProject(ctx, req);
    if (!(await mayEdit(req, project))) throw forbidden('edit_project');
    const input = formBody(req);
    const outcome = await ctx.services.updateProject(req.user, project, level, input);
    if (!outcome.ok) {
      // A stale form is re-rendered against the fresh row so the user sees the other change.
      const current = outcome.status === 409 ? ((await ctx.services.findProject(project.id)) ?? project) : project;
      renderEdit(res, current, level, outcome.status, input, outcome.errors);
      return;
    }
    const { previousBadgeLevel, badgeLevel } = outcome.value;
    // A section's own save button posts `section` (a button carries one value, so it stands for
    // "continue" too); the confirmation is then shown in that section, where the anchor lands.
    const anchor = input.after === 'exit' ? undefined : editSectionAnchor(level, input.section);
    if (badgeLevel !== previousBadgeLevel) {
      const lost = isLoss(ctx.criteria, 'metal', previousBadgeLevel, badgeLevel);
      addFlash(req, lost ? 'danger' : 'success', lost ? 'flash.level_lost' : 'flash.level_gained', anchor ? { level: badgeLevel, section: anchor } : { level: badgeLevel });
    } else {
      addFlash(req, 'success', 'flash.project_saved', anchor ? { section: anchor } : undefined);
    }
    const editPath = `/projects/${project.id}/${level.key}/edit`;
    const stay = input.after === 'continue' || (input.after !== 'exit' && input.section !== undefined);
    const after = anchor ? `${editPath}#${anchor}` : stay ? editPath : `/projects/${project.id}/${level.key}`;
    res.redirect(303, after);
  };
  router.post('/projects/:id/:level/edit', requireLogin, update);
  router.put('/projects/:id/:level/edit', requireLogin, update);
  router.patch('/projects/:id/:level/edit', requireLogin, update);

  return router;
}
