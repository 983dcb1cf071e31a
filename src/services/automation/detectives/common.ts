/**
 * Small helpers every detective uses: status codes by name, a proposal builder and the skip
 * signal. Explanation keys live in locales/en/automation.json (namespace `automation`).
 */
import { DetectiveSkipped, type Explanation, type FieldValues, type Proposal, type ProposedValue } from '../../../domain/automation.ts';
import type { StatusCode } from '../../../domain/project.ts';

export const MET: StatusCode = 3;
export const UNMET: StatusCode = 1;
export const NA: StatusCode = 2;

/** `automation:<key>` with its parameters. */
export function explain(key: string, params?: Explanation['params']): Explanation {
  return params ? { key: `automation:${key}`, params } : { key: `automation:${key}` };
}

export function propose(
  value: ProposedValue,
  confidence: number,
  explanation: Explanation,
  evidenceUrl?: string,
): Proposal {
  return evidenceUrl ? { value, confidence, explanation, evidenceUrl } : { value, confidence, explanation };
}

/** Stops the detective with a reason the user sees among the skipped checks. */
export function skip(key: string, params?: Explanation['params']): never {
  throw new DetectiveSkipped(explain(key, params));
}

/** A current value as trimmed text, or '' when absent or not text. */
export function text(values: FieldValues, field: string): string {
  const value = values[field];
  return typeof value === 'string' ? value.trim() : '';
}
