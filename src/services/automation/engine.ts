/**
 * The proposal engine ("Chief" upstream): decides which detectives a form section needs, runs them
 * in dependency order, merges their proposals by confidence and classifies each proposal against
 * the project's answers. Pure apart from awaiting the detectives; it never formats English (the
 * caller passes `explain` to turn an Explanation into justification text) and knows no criterion
 * ids (the DetectiveSet says which fields are baseline fields).
 */
import type { CriteriaSet } from '../../criteria/index.ts';
import {
  DetectiveSkipped,
  FORCE_CONFIDENCE,
  MAX_CONFIDENCE,
  type Detective,
  type Evidence,
  type Explanation,
  type FieldName,
  type FieldValues,
  type Proposal,
  type ProposedValue,
} from '../../domain/automation.ts';
import type { Project, StatusCode } from '../../domain/project.ts';
import type { Logger } from '../../logger.ts';

/** The detectives of one deployment, grouped by when the engine runs them. */
export interface DetectiveSet {
  /** Ordinary detectives in their preferred order (the order used when dependencies form a cycle). */
  readonly main: readonly Detective[];
  /** Mapping detective run after `main` when any needed field is a baseline field (metal → baseline). */
  readonly toBaseline?: Detective;
  /** Mapping detective run after `main` otherwise (baseline → metal). */
  readonly toMetal?: Detective;
  /** Run last of all, each only when `repo_url` has a value (the repository's own answer file). */
  readonly last: readonly Detective[];
  /** Whether a field belongs to a baseline-series criterion (from the loaded criteria). */
  isBaselineField(field: FieldName): boolean;
}

/** A merged proposal and who made it. */
export interface EngineProposal extends Proposal {
  field: FieldName;
  detective: string;
  /** confidence ≥ FORCE_CONFIDENCE: may replace a person's real answer. */
  forced: boolean;
}

export type EngineProposals = Record<FieldName, EngineProposal>;

/** A detective that did not contribute, and why (shown to the user: a frequent confusion upstream). */
export interface SkippedDetective {
  detective: string;
  /** `automation:skipped.failed` when it threw; otherwise the detective's own reason. */
  reason: Explanation;
}

export interface ProposeOptions {
  /**
   * Fields of the section being edited (see `automatableFields`); null or absent means every
   * detective is needed.
   */
  neededFields?: readonly FieldName[] | null;
  /** Fields the user just changed: detectives reading or writing them are needed too. */
  changedFields?: readonly FieldName[];
  /**
   * Plain save ("Submit and exit"): skip the mapping and last detectives and return only forced
   * proposals.
   */
  onlyForced?: boolean;
  logger?: Logger;
}

export interface ProposeResult {
  proposals: EngineProposals;
  /** Names of the detectives that ran (in order), including those that proposed nothing. */
  ran: string[];
  skipped: SkippedDetective[];
}

const BLANK_STATUS: StatusCode = 0;

/** Blank for the engine: absent, null, empty text or the unknown status "?". */
export function isBlank(value: ProposedValue | null | undefined): boolean {
  return value === undefined || value === null || value === BLANK_STATUS || (typeof value === 'string' && value.trim() === '');
}

export function isStatusField(field: FieldName): boolean {
  return field.endsWith('_status');
}

export function isJustificationField(field: FieldName): boolean {
  return field.endsWith('_justification');
}

/** `x_status` → `x_justification` and back; undefined for other fields. */
export function pairedField(field: FieldName): FieldName | undefined {
  if (isStatusField(field)) return `${field.slice(0, -'_status'.length)}_justification`;
  if (isJustificationField(field)) return `${field.slice(0, -'_justification'.length)}_status`;
  return undefined;
}

/** Criterion id of an answer field, or undefined for descriptive fields. */
export function criterionOf(field: FieldName): string | undefined {
  if (isStatusField(field)) return field.slice(0, -'_status'.length);
  if (isJustificationField(field)) return field.slice(0, -'_justification'.length);
  return undefined;
}

/** The descriptive fields every section may automate, besides its criteria's answers. */
export const DESCRIPTIVE_FIELDS = ['name', 'license', 'description', 'implementation_languages', 'cpe', 'general_comments'] as const;

/** Every `_status`/`_justification` of a level's criteria plus the descriptive fields. */
export function automatableFields(set: CriteriaSet, levelKey: string): FieldName[] {
  const level = set.level(levelKey);
  if (!level) return [];
  return [...level.criteria.flatMap((c) => [`${c.id}_status`, `${c.id}_justification`]), ...DESCRIPTIVE_FIELDS];
}

/** The project's values as detectives and `classifyAndApply` see them (wire field names). */
export function projectFieldValues(project: Pick<
  Project,
  'name' | 'description' | 'license' | 'implementationLanguages' | 'cpe' | 'generalComments' | 'repoUrl' | 'homepageUrl' | 'answers'
>): Record<FieldName, ProposedValue | null> {
  const values: Record<FieldName, ProposedValue | null> = {
    name: project.name,
    description: project.description,
    license: project.license,
    implementation_languages: project.implementationLanguages,
    cpe: project.cpe,
    general_comments: project.generalComments,
    repo_url: project.repoUrl,
    homepage_url: project.homepageUrl,
  };
  for (const [id, answer] of Object.entries(project.answers)) {
    values[`${id}_status`] = answer.status;
    values[`${id}_justification`] = answer.justification;
  }
  return values;
}

/** Would this proposal be applied to this value (blank, or forced)? */
function wouldApply(current: ProposedValue | null | undefined, proposal: Proposal): boolean {
  return isBlank(current) || proposal.confidence >= FORCE_CONFIDENCE;
}

const intersects = (a: readonly FieldName[], b: ReadonlySet<FieldName>): boolean => a.some((f) => b.has(f));

/**
 * The detectives of `main` whose outputs intersect `needed`, closed over their inputs (a detective
 * whose output another selected detective reads is selected too).
 */
export function selectDetectives(main: readonly Detective[], needed: Iterable<FieldName>): Detective[] {
  const wanted = new Set(needed);
  const selected = new Set<Detective>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const detective of main) {
      if (selected.has(detective) || !intersects(detective.outputs, wanted)) continue;
      selected.add(detective);
      for (const input of detective.inputs) wanted.add(input);
      grew = true;
    }
  }
  return main.filter((d) => selected.has(d));
}

/**
 * Orders detectives so that each runs after every detective producing one of its inputs; among
 * independent detectives the given order is kept. On a cycle the given order is returned as is.
 */
export function orderDetectives(detectives: readonly Detective[]): Detective[] {
  const producers = (d: Detective) => detectives.filter((p) => p !== d && intersects(p.outputs, new Set(d.inputs)));
  const done = new Set<Detective>();
  const ordered: Detective[] = [];
  while (ordered.length < detectives.length) {
    const next = detectives.find((d) => !done.has(d) && producers(d).every((p) => done.has(p)));
    if (!next) return [...detectives];
    done.add(next);
    ordered.push(next);
  }
  return ordered;
}

/**
 * Runs the needed detectives and merges their proposals (a later proposal replaces an earlier one
 * only with strictly higher confidence). A detective that throws is logged and listed in
 * `skipped`; it never ends the run.
 */
export async function proposeChanges(
  set: DetectiveSet,
  evidence: Evidence,
  values: FieldValues,
  options: ProposeOptions = {},
): Promise<ProposeResult> {
  const proposals: EngineProposals = {};
  const ran: string[] = [];
  const skipped: SkippedDetective[] = [];

  const needed = new Set<FieldName>(options.neededFields ?? set.main.flatMap((d) => d.outputs));
  if (!options.neededFields) {
    for (const d of [set.toBaseline, set.toMetal, ...set.last]) for (const f of d?.outputs ?? []) needed.add(f);
  }
  for (const f of options.changedFields ?? []) needed.add(f);

  let mapping: Detective | undefined;
  if (!options.onlyForced) {
    mapping = [...needed].some((f) => set.isBaselineField(f)) ? set.toBaseline : set.toMetal;
    for (const f of mapping?.inputs ?? []) needed.add(f);
  }

  // A changed field is needed both as an output (re-propose it) and as an input (detectives that
  // read it): add the readers explicitly, selectDetectives only follows outputs.
  const changed = new Set(options.changedFields ?? []);
  const readers = set.main.filter((d) => intersects(d.inputs, changed));
  for (const d of readers) for (const f of d.outputs) needed.add(f);

  const main = orderDetectives(selectDetectives(set.main, needed));
  const sequence: Detective[] = [...main];
  if (!options.onlyForced) {
    if (mapping) sequence.push(mapping);
    if (!isBlank(values.repo_url)) sequence.push(...set.last);
  }

  for (const detective of sequence) {
    const current: Record<FieldName, ProposedValue | null | undefined> = {};
    const fromProject = new Set<FieldName>();
    for (const input of detective.inputs) {
      const proposal = proposals[input];
      if (proposal && wouldApply(values[input], proposal)) {
        current[input] = proposal.value;
      } else {
        current[input] = values[input];
        fromProject.add(input);
      }
    }
    ran.push(detective.name);
    let result;
    try {
      result = await detective.analyze(evidence, current, { proposals: { ...proposals }, fromProject });
    } catch (err) {
      if (err instanceof DetectiveSkipped) {
        skipped.push({ detective: detective.name, reason: err.reason });
      } else {
        options.logger?.warn('automation: detective failed', { detective: detective.name, error: err instanceof Error ? err.message : String(err) });
        skipped.push({ detective: detective.name, reason: { key: 'automation:skipped.failed' } });
      }
      continue;
    }
    const outputs = new Set(detective.outputs);
    for (const [field, proposal] of Object.entries(result)) {
      // A detective may only propose what it declares: the selection and ordering rely on it.
      if (!outputs.has(field)) continue;
      // A confidence outside 1–5 (NaN, 0, 99) is a detective's bug; it must not force anything.
      if (!(proposal.confidence > 0 && proposal.confidence <= MAX_CONFIDENCE)) continue;
      const earlier = proposals[field];
      if (earlier && !(proposal.confidence > earlier.confidence)) continue;
      proposals[field] = { ...proposal, field, detective: detective.name, forced: proposal.confidence >= FORCE_CONFIDENCE };
    }
  }

  const kept = options.onlyForced
    ? Object.fromEntries(Object.entries(proposals).filter(([, p]) => p.forced))
    : proposals;
  return { proposals: kept, ran, skipped };
}

/** One classified proposal. */
export interface ProposalOutcome {
  field: FieldName;
  proposal: EngineProposal;
  /** The value before automation. */
  before: ProposedValue | null;
  /** The value after automation (equal to `before` when not applied). */
  after: ProposedValue | null;
  /**
   * For a `_status` outcome: its justification before and after (after = the proposed
   * justification for a divergent proposal, which is not applied).
   */
  justification?: { before: string | null; after: string | null };
}

export type SkipReason = 'not_permitted' | 'invalid_value';

export interface ClassifyResult {
  /** The values after applying (a new object; the input is not modified). */
  values: Record<FieldName, ProposedValue | null>;
  /** Blank → proposal (yellow). */
  applied: ProposalOutcome[];
  /** Real answer replaced by a forced proposal (orange); `before` is the person's answer. */
  forced: ProposalOutcome[];
  /** Real answer kept, proposal shown aside (blue ≠). */
  divergent: ProposalOutcome[];
  /** Proposal equal to the value, or a justification silently kept. */
  unchanged: FieldName[];
  /** Proposals not considered at all. */
  skipped: { field: FieldName; reason: SkipReason }[];
}

export interface ClassifyOptions {
  /** Fields the caller may change (the current section's automatable fields). */
  permittedFields: Iterable<FieldName>;
  /**
   * Text for a justification written from a status proposal's explanation (in the project's entry
   * locale); the evidence URL is passed so that the text can include it.
   */
  explain: (explanation: Explanation, evidenceUrl?: string) => string;
}

const asText = (value: ProposedValue | null | undefined): string | null =>
  value === undefined || value === null ? null : String(value);

function validStatus(value: ProposedValue): value is StatusCode {
  return value === 0 || value === 1 || value === 2 || value === 3;
}

/**
 * Classifies proposals against the values before automation and applies those that may be
 * applied (spec §7.4): blank → applied; equal → unchanged; real and different → divergent unless
 * forced. A justification follows its status: never applied when the status is divergent, and a
 * status that is applied or forced brings its justification (the proposed one, else the
 * explanation) into an empty justification (forced: replacing the old one).
 */
export function classifyAndApply(
  values: FieldValues,
  proposals: EngineProposals,
  options: ClassifyOptions,
): ClassifyResult {
  const permitted = new Set(options.permittedFields);
  const out: Record<FieldName, ProposedValue | null> = {};
  for (const [k, v] of Object.entries(values)) out[k] = v ?? null;
  const result: ClassifyResult = { values: out, applied: [], forced: [], divergent: [], unchanged: [], skipped: [] };

  const handledJustifications = new Set<FieldName>();
  const fields = Object.keys(proposals).sort((a, b) => Number(isJustificationField(a)) - Number(isJustificationField(b)));

  for (const field of fields) {
    const proposal = proposals[field]!;
    if (!permitted.has(field)) {
      result.skipped.push({ field, reason: 'not_permitted' });
      continue;
    }
    if (isStatusField(field)) {
      if (!validStatus(proposal.value) || proposal.value === BLANK_STATUS) {
        result.skipped.push({ field, reason: 'invalid_value' });
        continue;
      }
      const jField = pairedField(field)!;
      const jProposal = permitted.has(jField) ? proposals[jField] : undefined;
      handledJustifications.add(jField);
      const before: ProposedValue = values[field] ?? BLANK_STATUS;
      const jBefore = asText(values[jField]);
      const proposedJustification = asText(jProposal?.value) ?? options.explain(proposal.explanation, proposal.evidenceUrl);
      const outcome = (after: ProposedValue, jAfter: string | null): ProposalOutcome => ({
        field,
        proposal,
        before,
        after,
        justification: { before: jBefore, after: jAfter },
      });
      if (proposal.value === before) {
        result.unchanged.push(field);
        // Same answer: a blank justification still gains the evidence.
        if (isBlank(jBefore) && proposedJustification) {
          out[jField] = proposedJustification;
          result.applied.push({ field: jField, proposal: jProposal ?? proposal, before: jBefore, after: proposedJustification });
        } else if (jProposal) {
          result.unchanged.push(jField);
        }
      } else if (isBlank(before)) {
        out[field] = proposal.value;
        const jAfter = isBlank(jBefore) || jProposal?.forced ? proposedJustification : jBefore;
        out[jField] = jAfter;
        result.applied.push(outcome(proposal.value, jAfter));
      } else if (proposal.forced) {
        out[field] = proposal.value;
        out[jField] = proposedJustification;
        result.forced.push(outcome(proposal.value, proposedJustification));
      } else {
        result.divergent.push(outcome(before, proposedJustification));
      }
      continue;
    }
    if (handledJustifications.has(field)) continue;
    const before = values[field] ?? null;
    const value = typeof proposal.value === 'string' ? proposal.value.trim() : proposal.value;
    if (typeof value !== 'string' || value === '') {
      result.skipped.push({ field, reason: 'invalid_value' });
      continue;
    }
    if (before === value) {
      result.unchanged.push(field);
    } else if (isBlank(before)) {
      out[field] = value;
      result.applied.push({ field, proposal, before, after: value });
    } else if (proposal.forced) {
      out[field] = value;
      result.forced.push({ field, proposal, before, after: value });
    } else if (isJustificationField(field)) {
      // A person's justification is kept without fuss: a different wording is not a disagreement.
      result.unchanged.push(field);
    } else {
      result.divergent.push({ field, proposal, before, after: before });
    }
  }
  return result;
}
