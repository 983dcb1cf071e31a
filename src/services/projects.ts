import type { Level } from '../criteria/index.ts';
import { StaleProjectError, UniqueViolation } from '../domain/errors.ts';
import type { ChangeKind, FieldChanges } from '../domain/project.ts';
import { snakeCase } from '../domain/wire.ts';
import { can, isAdmin, type Actor } from '../policies/projects.ts';
import type { Project, ProjectChanges, ProjectWithOwner, StoredAnswer, StoredAnswers } from '../domain/project.ts';
import type { User } from '../domain/user.ts';
import type { ServiceContext } from './context.ts';
import { notifyLevelChange } from './notifications.ts';
import { purgeProjects, recordProjectChange } from './project-changes.ts';
import { inTransaction } from './transaction.ts';
import { initialScoreState, savedFlag, scoreChanges, scoreStateOf } from './project-scores.ts';
import { IN_PROGRESS, STATUS, STATUS_LABELS, badgeLevelName, computeScores, type StatusCode } from './scoring/index.ts';
import { canonicalUrl } from './urls.ts';
import { addError, fieldErrors, hasErrors, isTextValid, LIMITS, refuseUnknownFields, type FieldErrors } from './validation.ts';

export type FormInput = Record<string, unknown>;

/** Descriptive fields a maintainer may edit, with their length limits. */
const TEXT_FIELDS = {
  name: { column: 'name', max: LIMITS.name },
  description: { column: 'description', max: LIMITS.longText },
  license: { column: 'license', max: LIMITS.shortText },
  implementation_languages: { column: 'implementationLanguages', max: LIMITS.shortText },
  cpe: { column: 'cpe', max: LIMITS.shortText },
  general_comments: { column: 'generalComments', max: LIMITS.longText },
} as const satisfies Record<string, { column: keyof Project; max: number }>;

const URL_FIELDS = { homepage_url: 'homepageUrl', repo_url: 'repoUrl' } as const;

/** Form fields that carry no project data (CSRF token, submit buttons, optimistic lock). */
const CONTROL_FIELDS = new Set(['_csrf', 'after', 'lock_version']);

const STATUS_BY_LABEL = new Map<string, StatusCode>(STATUS_LABELS.map((label, code) => [label, code as StatusCode]));

export type SaveOutcome =
  | { ok: true; project: Project; previousBadgeLevel: string; badgeLevel: string }
  | { ok: false; status: 400 | 409 | 422; errors: FieldErrors; existingProjectId?: number };

function stringField(input: FormInput, field: string): string | undefined {
  const value = input[field];
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : '';
}

function readText(input: FormInput, field: string, max: number, errors: FieldErrors): string | null | undefined {
  const raw = stringField(input, field);
  if (raw === undefined) return undefined;
  if (typeof input[field] !== 'string') {
    addError(errors, field, 'errors.invalid');
    return undefined;
  }
  const value = raw.trim();
  if (value.length > max) addError(errors, field, 'errors.too_long', { max });
  else if (!isTextValid(value)) addError(errors, field, 'errors.control_characters');
  return value === '' ? null : value;
}

function readUrl(input: FormInput, field: string, errors: FieldErrors): string | null | undefined {
  const raw = readText(input, field, LIMITS.shortText, errors);
  if (raw === undefined || raw === null) return raw;
  const result = canonicalUrl(raw);
  if (result.ok) return result.url;
  addError(errors, field, `errors.url_${result.reason}`, { max: LIMITS.shortText });
  return undefined;
}

/** Parses descriptive fields; returns only the fields present in the input. */
function parseDescriptive(input: FormInput, errors: FieldErrors): ProjectChanges {
  const changes: ProjectChanges = {};
  for (const [field, spec] of Object.entries(TEXT_FIELDS)) {
    const value = readText(input, field, spec.max, errors);
    if (value === undefined) continue;
    if (spec.column === 'implementationLanguages') changes.implementationLanguages = value ?? '';
    else changes[spec.column] = value;
  }
  if (changes.cpe && !changes.cpe.startsWith('cpe:')) addError(errors, 'cpe', 'errors.cpe');
  for (const [field, column] of Object.entries(URL_FIELDS)) {
    const value = readUrl(input, field, errors);
    if (value !== undefined) changes[column] = value;
  }
  return changes;
}

/**
 * Parses `<id>_status` / `<id>_justification` pairs. Unknown ids, statuses the criterion does not
 * allow and over-long justifications are reported instead of being silently dropped, so a client
 * never believes something was stored when it was not.
 */
function parseAnswers(ctx: ServiceContext, input: FormInput, current: StoredAnswers, errors: FieldErrors): StoredAnswers | null {
  const next: StoredAnswers = { ...current };
  let touched = false;
  const descriptive = new Set([...Object.keys(TEXT_FIELDS), ...Object.keys(URL_FIELDS)]);
  for (const [field, value] of Object.entries(input)) {
    if (CONTROL_FIELDS.has(field) || descriptive.has(field)) continue;
    const match = /^(.+)_(status|justification)$/.exec(field);
    const definitions = match ? ctx.criteria.definitions(match[1]!) : [];
    if (!match || definitions.length === 0) {
      addError(errors, field, match ? 'errors.unknown_criterion' : 'errors.unknown_field', { field });
      continue;
    }
    const id = match[1]!;
    if (definitions.some((d) => d.prerequisite)) {
      addError(errors, field, 'errors.automatic_criterion', { field });
      continue;
    }
    if (typeof value !== 'string') {
      addError(errors, field, 'errors.invalid');
      continue;
    }
    const answer: StoredAnswer = { ...(next[id] ?? { status: STATUS.unknown, justification: null }) };
    if (match[2] === 'status') {
      const status = STATUS_BY_LABEL.get(value);
      if (status === undefined) {
        addError(errors, field, 'errors.bad_status', { value: value.slice(0, 20) });
        continue;
      }
      // The answer is shared by every level listing the id, so N/A must be allowed at all of them.
      if (status === STATUS.na && !definitions.every((d) => d.na_allowed)) {
        addError(errors, field, 'errors.na_not_allowed');
        continue;
      }
      answer.status = status;
    } else {
      const text = readText(input, field, LIMITS.longText, errors);
      if (text === undefined) continue;
      answer.justification = text;
    }
    touched = true;
    next[id] = answer;
  }
  // An unanswered criterion is simply absent, keeping the stored JSON small.
  for (const [id, answer] of Object.entries(next)) {
    if (answer.status === STATUS.unknown && answer.justification === null) {
      Reflect.deleteProperty(next, id);
    }
  }
  return touched ? next : null;
}

function parseLockVersion(input: FormInput, errors: FieldErrors): number | undefined {
  const raw = stringField(input, 'lock_version');
  if (raw !== undefined && /^\d{1,9}$/.test(raw)) return Number(raw);
  addError(errors, 'lock_version', 'errors.lock_version');
  return undefined;
}

export async function createProject(ctx: ServiceContext, owner: User, input: FormInput): Promise<SaveOutcome> {
  const errors = refuseUnknownFields(input, ['_csrf', 'name', 'description', 'homepage_url', 'repo_url']);
  const changes = parseDescriptive(input, errors);
  if (!changes.homepageUrl && !changes.repoUrl && !errors.homepage_url && !errors.repo_url) {
    addError(errors, 'repo_url', 'errors.url_needed');
  }
  if (hasErrors(errors)) return { ok: false, status: 422, errors };
  if (changes.repoUrl) {
    const existing = await ctx.db.projects.findIdByRepoUrl(changes.repoUrl);
    if (existing !== null) {
      addError(errors, 'repo_url', 'errors.repo_url_taken');
      return { ok: false, status: 422, errors, existingProjectId: existing };
    }
  }
  const now = ctx.now();
  const scores = computeScores(ctx.criteria, {}, initialScoreState(ctx.criteria), now);
  const project = await ctx.db.projects.create({
    ...changes,
    ...scoreChanges(ctx.criteria, scores),
    userId: owner.id,
    entryLocale: owner.preferredLocale,
  });
  await ctx.db.projects.recordChange(project.id, owner.id, 'create', diffProject({ ...project, name: null, description: null, homepageUrl: null, repoUrl: null }, changes), now);
  return { ok: true, project, previousBadgeLevel: IN_PROGRESS, badgeLevel: scores.badgeLevel };
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
  const errors = fieldErrors();
  const lockVersion = parseLockVersion(input, errors);
  const descriptive = parseDescriptive(input, errors);
  if ('repoUrl' in descriptive || 'homepageUrl' in descriptive) {
    const repoUrl = descriptive.repoUrl !== undefined ? descriptive.repoUrl : project.repoUrl;
    const homepageUrl = descriptive.homepageUrl !== undefined ? descriptive.homepageUrl : project.homepageUrl;
    if (!repoUrl && !homepageUrl) addError(errors, 'repo_url', 'errors.url_needed');
  }
  const answers = parseAnswers(ctx, input, project.answers, errors);
  if (hasErrors(errors) || lockVersion === undefined) return { ok: false, status: 422, errors };
  if (descriptive.repoUrl && descriptive.repoUrl !== project.repoUrl) {
    const existing = await ctx.db.projects.findIdByRepoUrl(descriptive.repoUrl);
    if (existing !== null && existing !== project.id) {
      addError(errors, 'repo_url', 'errors.repo_url_taken');
      return { ok: false, status: 422, errors, existingProjectId: existing };
    }
  }
  const now = ctx.now();
  const scores = computeScores(ctx.criteria, answers ?? project.answers, scoreStateOf(ctx.criteria, project), now);
  const changes: ProjectChanges = { ...descriptive, ...scoreChanges(ctx.criteria, scores), [savedFlag(level)]: true };
  if (descriptive.repoUrl !== undefined && descriptive.repoUrl !== project.repoUrl) changes.repoUrlUpdatedAt = now;
  try {
    const previousBadgeLevel = badgeLevelName(ctx.criteria, project.tieredPercentage);
    const saved = await inTransaction(ctx, async (txCtx, tx) => {
      const row = await tx.projects.update(project.id, lockVersion, changes, now);
      const diff = diffProject(project, changes);
      if (Object.keys(diff).length > 0) await recordProjectChange(ctx, tx, { projectId: project.id, userId: actor?.id ?? null, kind: changeKind(actor, project), changes: diff, at: now });
      // Scores are recomputed on every save and may move even when no answer did (new criteria).
      else await purgeProjects(ctx, tx, [project.id]);
      await notifyLevelChange(txCtx, row, previousBadgeLevel, scores.badgeLevel, actor?.id ?? null);
      return row;
    });
    return { ok: true, project: saved, previousBadgeLevel, badgeLevel: scores.badgeLevel };
  } catch (err) {
    if (err instanceof StaleProjectError) {
      addError(errors, 'lock_version', 'errors.stale');
      return { ok: false, status: 409, errors };
    }
    if (err instanceof UniqueViolation) {
      addError(errors, 'repo_url', 'errors.repo_url_taken');
      return { ok: false, status: 422, errors };
    }
    throw err;
  }
}

const DESCRIPTIVE_COLUMNS = [...Object.values(TEXT_FIELDS).map((f) => f.column), ...Object.values(URL_FIELDS)];

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
