// The scoring rules of src/services/scoring (criterion.ts, level.ts) and the answer states of
// src/presenters/project-view.ts, for the edit page's live feedback. The browser cannot import
// the TypeScript modules, so this is a port; test/unit/criteria-rules.test.ts checks it against
// them over generated criteria, answers and counts, so a change on either side that is not made
// on the other fails the tests.

/** Shortest justification that counts where one is required. */
export const MIN_JUSTIFICATION_LENGTH = 5;

const URL_PATTERN = /https?:\/\/[^/. ]+\.[^ ]/;

export function isComment(text) {
  return typeof text === 'string' && text.startsWith('// ');
}

export function containsUrl(text) {
  return typeof text === 'string' && !isComment(text) && URL_PATTERN.test(text);
}

export function justificationGood(text) {
  // Code points, as the server counts them, not UTF-16 units.
  return typeof text === 'string' && !isComment(text) && Array.from(text).length >= MIN_JUSTIFICATION_LENGTH;
}

/**
 * Result of one answer. `rule` has the properties of the server's CriterionRule
 * (category, met_url_required, met_justification_required, na_justification_required); `status`
 * is the submitted value of the answer radios: 'Met', 'Unmet', 'N/A' or '?'.
 */
export function criterionResult(rule, status, justification) {
  switch (status) {
    case 'Met':
      if (rule.met_url_required && !containsUrl(justification)) return 'url_required';
      if (rule.met_justification_required && !justificationGood(justification)) return 'justification_required';
      return 'passing';
    case 'Unmet':
      if (rule.category === 'SUGGESTED') return 'barely';
      if (rule.category === 'SHOULD') return justificationGood(justification) ? 'barely' : 'justification_required';
      return 'failing';
    case 'N/A':
      return rule.na_justification_required && !justificationGood(justification) ? 'justification_required' : 'passing';
    default:
      return 'unknown';
  }
}

export function isEnough(result) {
  return result === 'passing' || result === 'barely';
}

export function symbolOf(result) {
  return result === 'passing' || result === 'barely' || result === 'failing' ? result : 'unknown';
}

/** What the maintainer reads next to the criterion, as the server names it. */
export function answerState(status, result) {
  switch (status) {
    case 'Met':
      if (result === 'url_required') return 'met_needs_url';
      return result === 'justification_required' ? 'met_needs_justification' : 'met';
    case 'Unmet':
      if (result === 'justification_required') return 'unmet_needs_justification';
      return result === 'barely' ? 'unmet_accepted' : 'unmet';
    case 'N/A':
      return result === 'justification_required' ? 'na_needs_justification' : 'na';
    default:
      return 'not_answered';
  }
}

/** Level percentage from counted and active criteria: 100 only when complete, halves rounded up. */
export function levelPercentage(met, total) {
  if (met === 0) return 0;
  if (met >= total) return 100;
  return Math.min(Math.floor((200 * met + total) / (2 * total)), 99);
}

/** The colour class of a progress bar, as progressTone in src/presenters/project-view.ts. */
export function progressTone(series, percent) {
  if (percent >= 100) return 'tone-level';
  if (series === 'baseline') return 'tone-baseline';
  return `tone-${Math.min(90, Math.max(0, Math.floor(percent / 10) * 10))}`;
}
