import type { TFunction } from 'i18next';
import type { FieldName, ProposedValue } from '../domain/automation.ts';
import type { FormAutomation } from '../services/automation/runs.ts';
import { criterionOf, isStatusField, pairedField, type ProposalOutcome } from '../services/automation/index.ts';
import { STATUS_LABELS } from '../services/scoring/index.ts';

/**
 * What the edit form shows of automation (spec §7.4): the run's status, each proposal's mark on
 * its criterion or field (applied = yellow, forced = orange with the old answer, divergent = blue
 * ≠ with a one-click accept link), the values the form is prefilled with, and the detectives that
 * were skipped and why. Nothing here is stored: the person saves the form, or does not.
 */

export type MarkKind = 'applied' | 'forced' | 'divergent';

export interface AutomationMark {
  kind: MarkKind;
  /** CSS class of the highlight (yellow, orange, blue). */
  highlight: 'highlight-automated' | 'highlight-overridden' | 'highlight-divergent';
  field: FieldName;
  /** The explanation in the reader's language. */
  explanation: string;
  /** Only http(s) links are shown. */
  evidenceUrl: string | null;
  detective: string;
  /** Status label or text the proposal stands for, and what was there before. */
  proposed: string;
  before: string | null;
  justificationBefore: string | null;
  justificationProposed: string | null;
  /** Divergent proposals: the edit page with the proposal forced through URL proposals. */
  acceptUrl: string | null;
}

export interface AutomationPageView {
  /** Runs are queued on this site (otherwise only URL proposals can mark the form). */
  enabled: boolean;
  /** 'none' when no run was ever asked for. */
  status: 'none' | 'queued' | 'running' | 'done' | 'failed';
  /** When the proposals shown were found (null when none are shown). */
  shownAt: Date | null;
  /** Marks by criterion id (answers) or by field name (name, description, …). */
  marks: Record<string, AutomationMark>;
  counts: Record<MarkKind, number>;
  /** Form values set by applied and forced proposals. */
  input: Record<string, string>;
  skipped: { detective: string; reason: string }[];
  /** POST target of "Check my repository again". */
  checkAction: string;
  /** The edit page itself, to reload for a newer status. */
  reloadUrl: string;
}

const HIGHLIGHT: Record<MarkKind, AutomationMark['highlight']> = { applied: 'highlight-automated', forced: 'highlight-overridden', divergent: 'highlight-divergent' };

// Longest accept link: the proposal's text travels in the query string.
const MAX_ACCEPT_URL = 6_000;

function label(field: FieldName, value: ProposedValue | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (isStatusField(field) && typeof value === 'number') return value in STATUS_LABELS ? STATUS_LABELS[value] : null;
  return String(value);
}

function httpUrl(value: string | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

/** The edit page with one proposal (and its justification) forced through URL proposals. */
function acceptUrl(editPath: string, outcome: ProposalOutcome, proposed: string): string | null {
  const params = new URLSearchParams();
  params.set(outcome.field, proposed);
  const jField = pairedField(outcome.field);
  const justification = outcome.justification?.after;
  const forced = [outcome.field];
  if (jField && isStatusField(outcome.field) && justification) {
    params.set(jField, justification);
    forced.push(jField);
  }
  params.set('overrides', forced.join(','));
  const url = `${editPath}?${params.toString()}`;
  return url.length <= MAX_ACCEPT_URL ? url : null;
}

export function automationPageView(t: TFunction, automation: FormAutomation, editPath: string): AutomationPageView {
  const view: AutomationPageView = {
    enabled: automation.enabled,
    status: automation.latest?.status ?? 'none',
    shownAt: automation.shown?.finishedAt ?? null,
    marks: {},
    counts: { applied: 0, forced: 0, divergent: 0 },
    input: {},
    skipped: automation.skipped.map((s) => ({ detective: s.detective, reason: t(s.reason.key, { ...s.reason.params }) })),
    checkAction: `${editPath.replace(/\/edit$/, '')}/automation`,
    reloadUrl: editPath,
  };
  const classified = automation.classified;
  if (!classified) return view;
  const groups: [MarkKind, ProposalOutcome[]][] = [
    ['divergent', classified.divergent],
    ['applied', classified.applied],
    ['forced', classified.forced],
  ];
  for (const [kind, outcomes] of groups) {
    for (const outcome of outcomes) {
      const { proposal, field } = outcome;
      const proposed = label(field, kind === 'divergent' ? proposal.value : outcome.after) ?? '';
      if (kind !== 'divergent') {
        const value = label(field, outcome.after);
        if (value !== null) view.input[field] = value;
        const jField = pairedField(field);
        if (jField && isStatusField(field) && outcome.justification?.after) view.input[jField] = outcome.justification.after;
      }
      const key = criterionOf(field) ?? field;
      // A criterion's status mark wins over a mark for its justification alone.
      const existing = view.marks[key];
      if (existing && isStatusField(existing.field) && !isStatusField(field)) continue;
      if (existing) view.counts[existing.kind]--;
      view.marks[key] = {
        kind,
        highlight: HIGHLIGHT[kind],
        field,
        explanation: t(proposal.explanation.key, { ...proposal.explanation.params }),
        evidenceUrl: httpUrl(proposal.evidenceUrl),
        detective: proposal.detective,
        proposed,
        before: label(field, outcome.before),
        justificationBefore: outcome.justification?.before ?? null,
        justificationProposed: outcome.justification?.after ?? null,
        acceptUrl: kind === 'divergent' ? acceptUrl(editPath, outcome, proposed) : null,
      };
      view.counts[kind]++;
    }
  }
  return view;
}
