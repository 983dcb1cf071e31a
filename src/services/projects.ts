import type { Level } from '../criteria/index.ts';
import { StaleProjectError, UniqueViolation } from '../domain/errors.ts';
import type { ChangeKind, FieldChanges } from '../domain/project.ts';
import { snakeCase } from '../domain/wire.ts';
import { can, isAdmin, type Actor } from '../policies/projects.ts';
import type { Project, ProjectChanges, ProjectWithOwner, StoredAnswer } from '../domain/project.ts';
import type { User } from '../domain/user.ts';
import type { ServiceContext } from './context.ts';
import { notifyLevelChange } from './notifications.ts';
import { purgeProjects, recordProjectChange } from './project-changes.ts';
import { inTransaction } from './transaction.ts';
import { initialScoreState, savedFlag, scoreChanges, scoreStateOf } from './project-scores.ts';
import { mergeAnswers, parseNewProjectForm, parseProjectEditForm } from './project-form.ts';
import { IN_PROGRESS, STATUS, STATUS_LABELS, badgeLevelName, computeScores } from './scoring/index.ts';
import { addError, fieldErrors, type FormResult } from './validation.ts';

export type FormInput = Record<string, unknown>;

/** A saved project and its badge level before and after the save. */
export interface SavedProject {
  project: Project;
  previousBadgeLevel: string;
  badgeLevel: string;
  /** The OSPS Baseline badge level before and after (baseline pages compare these, spec §4.7). */
  previousBaselineBadgeLevel: string;
  baselineBadgeLevel: string;
}

/**
 * The outcome of a save. A repository URL already taken carries the other project's id as the
 * `id` value of its error, so the form can link to that entry.
 */
export type SaveOutcome = FormResult<SavedProject>;

/** A new project, and the level whose edit page the maintainer chose to start on. */
export interface CreatedProject extends SavedProject {
  startingLevel: string;
}

function refused(status: 409 | 422, field: string, key: string, values?: Record<string, string | number>): FormResult<never> {
  const errors = fieldErrors();
  addError(errors, field, key, values);
  return { ok: false, status, errors };
}

/** How long a repository URL stays put after a change, for everyone but admins (upstream's rule). */
export const REPO_URL_CHANGE_DAYS = 180;
const DAY_MS = 24 * 60 * 60 * 1000;

function withoutTrailingSlashes(url: string): string {
  let end = url.length;
  while (end > 0 && url[end - 1] === '/') end--;
  return url.slice(0, end);
}

/** The same repository: only the scheme moved from http to https, or a trailing slash came or went. */
function isTrivialRepoUrlChange(from: string, to: string): boolean {
  const before = withoutTrailingSlashes(from);
  const after = withoutTrailingSlashes(to);
  if (before === after) return true;
  return before.toLowerCase().startsWith('http://') && after.toLowerCase().startsWith('https://') && before.slice('http://'.length) === after.slice('https://'.length);
}

export type RepoUrlDecision = { allowed: true } | { allowed: false; nextChangeAt: Date };

/**
 * Whether `next` may replace the project's repository URL. A badge belongs to a repository, so a
 * non-admin may move it only from a blank URL, trivially, or when the last change
 * (`repoUrlUpdatedAt`; never counts as long ago) is more than REPO_URL_CHANGE_DAYS days old.
 * Emptying the field is a change too: otherwise emptying and then filling it would skip the wait.
 */
export function repoUrlChange(current: Pick<Project, 'repoUrl' | 'repoUrlUpdatedAt'>, next: string | null, admin: boolean, now: Date): RepoUrlDecision {
  if (next === current.repoUrl || !current.repoUrl || admin) return { allowed: true };
  if (next !== null && isTrivialRepoUrlChange(current.repoUrl, next)) return { allowed: true };
  if (!current.repoUrlUpdatedAt) return { allowed: true };
  const nextChangeAt = new Date(current.repoUrlUpdatedAt.getTime() + REPO_URL_CHANGE_DAYS * DAY_MS);
  return now.getTime() > nextChangeAt.getTime() ? { allowed: true } : { allowed: false, nextChangeAt };
}

const repoUrlTaken = (existingProjectId?: number) => refused(422, 'repo_url', 'errors.repo_url_taken', existingProjectId === undefined ? undefined : { id: existingProjectId });

/**
 * `entryLocale` is the language the form was filled in (the request's locale), as upstream
 * records it: it marks the language of the free text, which may differ from the owner's setting.
 */
export async function createProject(ctx: ServiceContext, owner: User, input: FormInput, entryLocale: string = owner.preferredLocale): Promise<FormResult<CreatedProject>> {
  const form = parseNewProjectForm(ctx.criteria, input);
  if (!form.ok) return form;
  const { changes, startingLevel } = form.value;
  if (changes.repoUrl) {
    const existing = await ctx.db.projects.findIdByRepoUrl(changes.repoUrl);
    if (existing !== null) return repoUrlTaken(existing);
  }
  const now = ctx.now();
  const scores = computeScores(ctx.criteria, {}, initialScoreState(ctx.criteria), now);
  try {
    // The row and its 'create' history commit together: a failed history write leaves no project.
    const project = await inTransaction(ctx, async (_txCtx, tx) => {
      const row = await tx.projects.create({
        ...changes,
        ...scoreChanges(ctx.criteria, scores),
        userId: owner.id,
        entryLocale,
      });
      await tx.projects.recordChange(row.id, owner.id, 'create', diffProject({ ...row, name: null, description: null, homepageUrl: null, repoUrl: null }, changes), now);
      return row;
    });
    return { ok: true, value: { project, previousBadgeLevel: IN_PROGRESS, badgeLevel: scores.badgeLevel, previousBaselineBadgeLevel: IN_PROGRESS, baselineBadgeLevel: scores.baselineBadgeLevel, startingLevel } };
  } catch (err) {
    // Another entry took the repository URL between the check and the insert.
    if (err instanceof UniqueViolation) return repoUrlTaken();
    throw err;
  }
}

/**
 * Applies one edit form (any level's criteria may be included, as upstream allows) and rescores.
 * Nothing is written unless the whole submission is valid and the lock version is current.
 */
export async function updateProject(
  ctx: ServiceContext,
  actor: Actor,
  project: ProjectWithOwner,
  level: Level,
  input: FormInput,
): Promise<SaveOutcome> {
  const form = parseProjectEditForm(ctx.criteria, input, project);
  if (!form.ok) return form;
  const { changes: descriptive, lockVersion } = form.value;
  const answers = mergeAnswers(project.answers, form.value.answers);
  if (descriptive.repoUrl !== undefined) {
    const decision = repoUrlChange(project, descriptive.repoUrl, isAdmin(actor), ctx.now());
    if (!decision.allowed) return refused(422, 'repo_url', 'errors.repo_url_locked', { days: REPO_URL_CHANGE_DAYS, date: decision.nextChangeAt.toISOString().slice(0, 10) });
  }
  if (descriptive.repoUrl && descriptive.repoUrl !== project.repoUrl) {
    const existing = await ctx.db.projects.findIdByRepoUrl(descriptive.repoUrl);
    if (existing !== null && existing !== project.id) return repoUrlTaken(existing);
  }
  const now = ctx.now();
  const scores = computeScores(ctx.criteria, answers ?? project.answers, scoreStateOf(ctx.criteria, project), now);
  const changes: ProjectChanges = { ...descriptive, ...scoreChanges(ctx.criteria, scores), [savedFlag(level)]: true };
  if (descriptive.repoUrl !== undefined && descriptive.repoUrl !== project.repoUrl) changes.repoUrlUpdatedAt = now;
  try {
    const previousBadgeLevel = badgeLevelName(ctx.criteria, project.tieredPercentage);
    const previousBaselineBadgeLevel = badgeLevelName(ctx.criteria, project.baselineTieredPercentage, 'baseline');
    const saved = await inTransaction(ctx, async (txCtx, tx) => {
      const row = await tx.projects.update(project.id, lockVersion, changes, now);
      const diff = diffProject(project, changes);
      if (Object.keys(diff).length > 0) await recordProjectChange(ctx, tx, { projectId: project.id, userId: actor?.id ?? null, kind: changeKind(actor, project), changes: diff, at: now });
      // Scores are recomputed on every save and may move even when no answer did (new criteria).
      else await purgeProjects(ctx, tx, [project.id]);
      // The level the saved page belongs to is the one announced (spec §4.7): a baseline page
      // mails baseline changes, a metal page metal changes.
      if (level.series === 'baseline') await notifyLevelChange(txCtx, row, previousBaselineBadgeLevel, scores.baselineBadgeLevel, actor?.id ?? null, 'baseline');
      else await notifyLevelChange(txCtx, row, previousBadgeLevel, scores.badgeLevel, actor?.id ?? null);
      return row;
    });
    return { ok: true, value: { project: saved, previousBadgeLevel, badgeLevel: scores.badgeLevel, previousBaselineBadgeLevel, baselineBadgeLevel: scores.baselineBadgeLevel } };
  } catch (err) {
    if (err instanceof StaleProjectError) return refused(409, 'lock_version', 'errors.stale');
    if (err instanceof UniqueViolation) return repoUrlTaken();
    throw err;
  }
}

const DESCRIPTIVE_COLUMNS = ['name', 'description', 'license', 'implementationLanguages', 'cpe', 'generalComments', 'homepageUrl', 'repoUrl'] as const satisfies readonly (keyof Project)[];

function answerLabel(answer: StoredAnswer | undefined): [string, string | null] {
  return [STATUS_LABELS[answer?.status ?? STATUS.unknown], answer?.justification ?? null];
}

/** What a save changed, as field -> [old, new], for the project history. */
export function diffProject(before: Project, changes: ProjectChanges): FieldChanges {
  const diff: FieldChanges = {};
  for (const column of DESCRIPTIVE_COLUMNS) {
    if (!(column in changes)) continue;
    const next = changes[column];
    if (next !== before[column]) diff[snakeCase(column)] = [before[column], next];
  }
  if (changes.answers) {
    const ids = new Set([...Object.keys(before.answers), ...Object.keys(changes.answers)]);
    for (const id of ids) {
      const [oldStatus, oldText] = answerLabel(before.answers[id]);
      const [newStatus, newText] = answerLabel(changes.answers[id]);
      if (oldStatus !== newStatus) diff[`${id}_status`] = [oldStatus, newStatus];
      if (oldText !== newText) diff[`${id}_justification`] = [oldText, newText];
    }
  }
  return diff;
}

/** An admin changing a project they have no other right to is recorded as an override. */
function changeKind(actor: Actor, project: ProjectWithOwner): ChangeKind {
  if (!isAdmin(actor)) return 'edit';
  const asUser = actor ? { ...actor, role: null } : actor;
  return can(asUser, 'edit', project) ? 'edit' : 'admin_override';
}
