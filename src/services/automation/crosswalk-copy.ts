/**
 * "Copy answers from the mapped criteria": the maintainer's explicit request to fill a level's
 * blank answers from the answers already given in the other series. The answers come from the
 * mapping detective the engine would run for this level (same confidences, same status mapping,
 * same cross-status rules, same "<justification> [source]" text); nothing here re-derives them.
 * Only blank answers are filled, and the save goes through `updateProject`, so rescoring, the one
 * history entry, the badge cache and the level mail are the ordinary ones.
 */
import type { CriteriaSet, Level } from '../../criteria/index.ts';
import { displayId } from '../../criteria/index.ts';
import type { Evidence, FieldName } from '../../domain/automation.ts';
import type { ProjectWithOwner } from '../../domain/project.ts';
import type { Actor } from '../../policies/projects.ts';
import type { ServiceContext } from '../context.ts';
import { updateProject, type SavedProject } from '../projects.ts';
import { STATUS_LABELS, type StatusCode } from '../scoring/index.ts';
import { addError, fieldErrors, type FormResult } from '../validation.ts';
import { loadCrosswalk, type Crosswalk } from './crosswalk.ts';
import { classifyAndApply, isBlank, projectFieldValues, proposeChanges, type DetectiveSet } from './engine.ts';
import { detectivesFor, explanationText } from './runs.ts';

/** The longest justification a form accepts (project-form.ts); a longer copy is skipped. */
const MAX_JUSTIFICATION = 8192;

const crosswalks = new WeakMap<CriteriaSet, Crosswalk>();

/** The crosswalk of a criteria set, loaded once (read-only; the pages show it beside criteria). */
export function crosswalkFor(set: CriteriaSet): Crosswalk {
  let crosswalk = crosswalks.get(set);
  if (!crosswalk) {
    crosswalk = loadCrosswalk(set);
    crosswalks.set(set, crosswalk);
  }
  return crosswalk;
}

export interface CopiedAnswer {
  criterion: string;
  displayId: string;
  status: StatusCode;
  justification: string;
}

/**
 * Why a criterion with mapped criteria was not filled: it already has an answer (kept, even when
 * the mapped answers suggest another), none of its mapped criteria has an answer that says
 * anything about it, the suggested answer is not one the criterion allows (N/A), or the copied
 * justification would be longer than a justification may be.
 */
export type CopySkipReason = 'answered' | 'no_mapped_answer' | 'not_allowed' | 'too_long';

export interface SkippedAnswer {
  criterion: string;
  displayId: string;
  reason: CopySkipReason;
}

export interface CrosswalkCopy {
  copied: CopiedAnswer[];
  skipped: SkippedAnswer[];
  /** The save, or null when nothing was copied (then nothing was written). */
  saved: SavedProject | null;
}

/** The mapping detectives read answers only: they see nothing of the outside world. */
const NO_EVIDENCE: Evidence = { repo: null, siteHeaders: () => Promise.resolve(null) };

/** Only the mapping detective for the level's series: the copy is about the crosswalk alone. */
function mappingOnly(set: DetectiveSet): DetectiveSet {
  return { main: [], toBaseline: set.toBaseline, toMetal: set.toMetal, last: [], isBaselineField: (field) => set.isBaselineField(field) };
}

export async function copyFromCrosswalk(
  ctx: ServiceContext,
  actor: Actor,
  project: ProjectWithOwner,
  level: Level,
  lockVersion: unknown,
): Promise<FormResult<CrosswalkCopy>> {
  const crosswalk = crosswalkFor(ctx.criteria);
  const answerable = level.criteria.filter((c) => !c.prerequisite);
  const permitted: FieldName[] = answerable.flatMap((c) => [`${c.id}_status`, `${c.id}_justification`]);
  const values = projectFieldValues(project);
  const { proposals } = await proposeChanges(mappingOnly(detectivesFor(ctx)), NO_EVIDENCE, values, { neededFields: permitted, logger: ctx.logger });
  const classified = classifyAndApply(values, proposals, {
    permittedFields: permitted,
    explain: (explanation, evidenceUrl) => explanationText(ctx, project.entryLocale, explanation, evidenceUrl),
  });
  const applied = new Map(classified.applied.filter((o) => o.field.endsWith('_status') && isBlank(o.before)).map((o) => [o.field, o]));

  const copied: CopiedAnswer[] = [];
  const skipped: SkippedAnswer[] = [];
  const input: Record<string, unknown> = { lock_version: lockVersion };
  for (const criterion of answerable) {
    const { impliedBy } = crosswalk.mapped(criterion.id);
    if (impliedBy.length === 0) continue;
    const entry = { criterion: criterion.id, displayId: displayId(criterion) };
    const field = `${criterion.id}_status`;
    if (!isBlank(values[field])) {
      skipped.push({ ...entry, reason: 'answered' });
      continue;
    }
    const outcome = applied.get(field);
    if (!outcome) {
      skipped.push({ ...entry, reason: 'no_mapped_answer' });
      continue;
    }
    const status = outcome.after as StatusCode;
    const justification = outcome.justification?.after ?? '';
    if (status === 2 && !criterion.na_allowed) {
      skipped.push({ ...entry, reason: 'not_allowed' });
      continue;
    }
    if (justification.length > MAX_JUSTIFICATION) {
      skipped.push({ ...entry, reason: 'too_long' });
      continue;
    }
    copied.push({ ...entry, status, justification });
    input[field] = STATUS_LABELS[status];
    input[`${criterion.id}_justification`] = justification;
  }
  if (copied.length === 0) {
    // Nothing to write, but a stale page still learns that the project moved on.
    if (String(lockVersion) !== String(project.lockVersion)) {
      const errors = fieldErrors();
      addError(errors, 'lock_version', 'errors.stale');
      return { ok: false, status: 409, errors };
    }
    return { ok: true, value: { copied, skipped, saved: null } };
  }
  const saved = await updateProject(ctx, actor, project, level, input);
  if (!saved.ok) return saved;
  return { ok: true, value: { copied, skipped, saved: saved.value } };
}
