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
import { automationPageView, type AutomationPageView } from '../presenters/automation-view.ts';
import { crosswalkCopyView, crosswalkLinks } from '../presenters/crosswalk-view.ts';
import { crosswalkFor } from '../services/automation/crosswalk-copy.ts';
import { redactedError } from '../logger.ts';
import type { Translate } from '../i18n.ts';
import { type FormInput } from '../services/projects.ts';
import { startingLevels } from '../services/project-form.ts';
import { IN_PROGRESS, isLoss } from '../services/scoring/index.ts';
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

  function renderEdit(res: Response, project: ProjectWithOwner, level: Level, status: number, input: FormInput, errors: FieldErrors, filter: CriteriaFilter = 'all', automation: AutomationPageView | null = null) {
    res.status(status).render('projects/edit', {
      ...projectPageView(ctx.criteria, project, level, input, filter),
      crosswalk: crosswalkLinks(ctx.criteria, crosswalkFor(ctx.criteria), project, level, true),
      input,
      automation,
      errors,
      existingProjectId: existingProjectId(errors),
      lockVersion: typeof input.lock_version === 'string' && status !== 409 ? input.lock_version : String(project.lockVersion),
    });
  }

  // Where a new project may start (passing or baseline-1), the default first.
  const starts = startingLevels(ctx.criteria);

  router.get('/projects/new', requireLogin, (req, res) => {
    res.render('projects/new', { input: {}, errors: {}, startingLevels: starts });
  });

  router.post('/projects', requireLogin, async (req, res) => {
    if (!canCreateProject(req.user)) throw forbidden();
    const input = formBody(req);
    const outcome = await ctx.services.createProject(req.user!, input, res.locals.locale as string);
    if (!outcome.ok) {
      res.status(outcome.status).render('projects/new', { input, errors: outcome.errors, existingProjectId: existingProjectId(outcome.errors), startingLevels: starts });
      return;
    }
    addFlash(req, 'success', 'flash.project_created');
    res.redirect(303, `/projects/${outcome.value.project.id}/${outcome.value.startingLevel}/edit`);
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
    res.render('projects/show', { ...projectPageView(ctx.criteria, project, level, undefined, criteriaFilter(req.query.show)), crosswalk: crosswalkLinks(ctx.criteria, crosswalkFor(ctx.criteria), project, level, false), canEdit: can(req.user, 'edit', project), canTransfer: can(req.user, 'transfer', project), canDelete: can(req.user, 'delete', project) });
  });

  /** Edit right, asking GitHub about push access only when nothing else already grants it. */
  async function mayEdit(req: Request, project: ProjectWithOwner): Promise<boolean> {
    if (can(req.user, 'edit', project)) return true;
    const githubPusher = await ctx.services.mayPushToRepository(req.user, req.session.githubToken, project);
    return can(req.user, 'edit', project, undefined, { githubPusher });
  }

  /** Who asks for an automation run: the user, and their GitHub token when they logged in with GitHub. */
  const requester = (req: Request) => ({ user: req.user, githubToken: req.session.githubToken });

  /**
   * Automation on the edit page: queue the first run of a never-saved level, and classify the
   * latest proposals (and the URL's) against the answers. A failure here only costs the
   * highlights: the plain form is still shown.
   */
  async function editAutomation(req: Request, res: Response, project: ProjectWithOwner, level: Level): Promise<AutomationPageView | null> {
    try {
      await ctx.services.requestFirstEditRun(project, level, requester(req));
      const automation = await ctx.services.formAutomation(project, level, req.query);
      return automationPageView(res.locals.t as Translate, automation, `/projects/${project.id}/${level.key}/edit`);
    } catch (err) {
      ctx.logger.warn('automation left out of the edit form', { projectId: project.id, error: redactedError(err) });
      return null;
    }
  }

  router.get('/projects/:id/:level/edit', requireLogin, async (req, res) => {
    const level = levelParam(req);
    const project = await loadProject(ctx, req);
    if (!(await mayEdit(req, project))) throw forbidden('edit_project');
    const automation = await editAutomation(req, res, project, level);
    // Applied and forced proposals prefill the form; nothing is stored until the person saves.
    renderEdit(res, project, level, 200, automation?.input ?? {}, {}, criteriaFilter(req.query.show), automation);
  });

  router.post('/projects/:id/:level/automation', requireLogin, async (req, res) => {
    const level = levelParam(req);
    const project = await loadProject(ctx, req);
    if (!(await mayEdit(req, project))) throw forbidden('edit_project');
    const outcome = await ctx.services.checkRepositoryAgain(project, level, requester(req));
    addFlash(req, outcome === 'rate_limited' || outcome === 'disabled' ? 'warning' : 'info', `automation_runs:flash.${outcome}`);
    res.redirect(303, `/projects/${project.id}/${level.key}/edit#automation`);
  });

  // "Copy answers from the mapped criteria": blanks of this level filled from the other series'
  // answers, saved like any edit; the page lists what was copied and what was skipped and why.
  router.post('/projects/:id/:level/crosswalk', requireLogin, async (req, res) => {
    const level = levelParam(req);
    const project = await loadProject(ctx, req);
    if (!(await mayEdit(req, project))) throw forbidden('edit_project');
    const input = formBody(req);
    const outcome = await ctx.services.copyFromCrosswalk(req.user, project, level, input.lock_version);
    const page = { ...projectPageView(ctx.criteria, project, level), editing: true };
    if (!outcome.ok) {
      res.status(outcome.status).render('projects/crosswalk-copy', { ...page, result: null, stale: outcome.status === 409 });
      return;
    }
    const saved = outcome.value.saved?.project;
    const view = crosswalkCopyView(project, level, outcome.value, (from, to) => isLoss(ctx.criteria, level.series, from, to));
    const current = saved ? ((await ctx.services.findProject(project.id)) ?? project) : project;
    res.render('projects/crosswalk-copy', { ...page, ...projectPageView(ctx.criteria, current, level), result: view, stale: false });
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
    // A baseline page announces the baseline level, a metal page the metal level (spec §4.7).
    const baseline = level.series === 'baseline';
    const previousBadgeLevel = baseline ? outcome.value.previousBaselineBadgeLevel : outcome.value.previousBadgeLevel;
    const badgeLevel = baseline ? outcome.value.baselineBadgeLevel : outcome.value.badgeLevel;
    // A section's own save button posts `section` (a button carries one value, so it stands for
    // "continue" too); the confirmation is then shown in that section, where the anchor lands.
    const anchor = input.after === 'exit' ? undefined : editSectionAnchor(level, input.section);
    if (badgeLevel !== previousBadgeLevel) {
      const lost = isLoss(ctx.criteria, level.series, previousBadgeLevel, badgeLevel);
      // Named in the reader's language, never by key: metal levels and "in progress" as the badge
      // texts name them, baseline levels as the level navigation does ("Baseline Level 1").
      const t = res.locals.t as Translate;
      const name = baseline && badgeLevel !== IN_PROGRESS ? (res.locals.levelName as (key: string) => string)(badgeLevel) : t(`badge_levels.${badgeLevel}`, { defaultValue: badgeLevel });
      addFlash(req, lost ? 'danger' : 'success', lost ? 'flash.level_lost' : 'flash.level_gained', anchor ? { level: name, section: anchor } : { level: name });
    } else {
      addFlash(req, 'success', 'flash.project_saved', anchor ? { section: anchor } : undefined);
    }
    const editPath = `/projects/${project.id}/${level.key}/edit`;
    const stay = input.after === 'continue' || (input.after !== 'exit' && input.section !== undefined);
    // A new repository, or "save and continue", asks the forge again (queued, never awaited).
    const saved = outcome.value.project;
    const reason = saved.repoUrl !== project.repoUrl ? 'repo_url' : stay ? 'save_continue' : null;
    if (reason) {
      await ctx.services.requestAutomationRun(saved, level, reason, requester(req)).catch((err: unknown) => {
        ctx.logger.warn('automation run not queued after a save', { projectId: project.id, error: redactedError(err) });
      });
    }
    const after = anchor ? `${editPath}#${anchor}` : stay ? editPath : `/projects/${project.id}/${level.key}`;
    res.redirect(303, after);
  };
  router.post('/projects/:id/:level/edit', requireLogin, update);
  router.put('/projects/:id/:level/edit', requireLogin, update);
  router.patch('/projects/:id/:level/edit', requireLogin, update);

  return router;
}
