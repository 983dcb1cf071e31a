import type { Criterion } from '../../criteria/index.ts';
import { STATUS, type Answer } from './status.ts';

/** Shortest justification that counts where one is required (upstream MIN_SHOULD_LENGTH). */
export const MIN_JUSTIFICATION_LENGTH = 5;

/** Upstream's URL test: a scheme, then a host containing at least one dot, then anything. */
const URL_PATTERN = /https?:\/\/[^/. ]+\.[^ ]/;

/**
 * A justification starting with "// " is a note to self (e.g. left by automation or a
 * co-maintainer), so it must never satisfy a URL or justification requirement.
 */
export function isComment(text: string | null | undefined): boolean {
  return typeof text === 'string' && text.startsWith('// ');
}

export function containsUrl(text: string | null | undefined): boolean {
  return typeof text === 'string' && !isComment(text) && URL_PATTERN.test(text);
}

export function justificationGood(text: string | null | undefined): boolean {
  // Count characters (code points) as upstream Ruby's String#length does, not UTF-16 units,
  // so "ab😀cd" is 5 long on both implementations.
  return typeof text === 'string' && !isComment(text) && Array.from(text).length >= MIN_JUSTIFICATION_LENGTH;
}

export type CriterionResult = 'passing' | 'barely' | 'failing' | 'url_required' | 'justification_required' | 'unknown';

/**
 * The only properties of a criterion its result depends on. The edit page hands exactly these to
 * the browser (public/js/criteria-rules.js), so the live result can be checked against this one.
 */
export type CriterionRule = Pick<Criterion, 'category' | 'met_url_required' | 'met_justification_required' | 'na_justification_required'>;

export function criterionRule(c: CriterionRule): CriterionRule {
  return {
    category: c.category,
    met_url_required: c.met_url_required,
    met_justification_required: c.met_justification_required,
    na_justification_required: c.na_justification_required,
  };
}

function metResult(c: CriterionRule, justification: string | null): CriterionResult {
  // URL first: a URL-required criterion with a long text but no URL must ask for the URL.
  if (c.met_url_required && !containsUrl(justification)) return 'url_required';
  if (c.met_justification_required && !justificationGood(justification)) return 'justification_required';
  return 'passing';
}

function unmetResult(c: CriterionRule, justification: string | null): CriterionResult {
  switch (c.category) {
    case 'SUGGESTED':
      // Declining a suggestion is a legitimate answer; it still counts.
      return 'barely';
    case 'SHOULD':
      return justificationGood(justification) ? 'barely' : 'justification_required';
    case 'MUST':
      return 'failing';
  }
}

function naResult(c: CriterionRule, justification: string | null): CriterionResult {
  // N/A is scored for any criterion; input validation is what refuses N/A where not allowed.
  if (c.na_justification_required && !justificationGood(justification)) return 'justification_required';
  return 'passing';
}

/** Result of one criterion at one level (§4.2). Each level passes its own definition of a shared id. */
export function criterionResult(c: CriterionRule, answer: Answer | undefined): CriterionResult {
  const justification = answer?.justification ?? null;
  switch (answer?.status) {
    case STATUS.met:
      return metResult(c, justification);
    case STATUS.unmet:
      return unmetResult(c, justification);
    case STATUS.na:
      return naResult(c, justification);
    default:
      // Missing, "?" or a corrupt value: upstream's final "otherwise" branch would score a corrupt
      // value as N/A; treating it as unknown is the fail-safe choice.
      return 'unknown';
  }
}

/** Whether a result counts towards the level percentage. */
export function isEnough(r: CriterionResult): boolean {
  return r === 'passing' || r === 'barely';
}
