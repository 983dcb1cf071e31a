import { displayId, type CriteriaSet, type Criterion, type Level } from '../criteria/index.ts';

/** Requirement flags shown as badges on the criteria pages, in display order. */
export const CRITERION_FLAGS = ['url_required', 'justification_required', 'na_allowed', 'na_justification_required', 'future', 'obsolete'] as const;
export type CriterionFlag = (typeof CRITERION_FLAGS)[number];

export function criterionFlags(c: Criterion): CriterionFlag[] {
  const on: Record<CriterionFlag, boolean> = {
    url_required: c.met_url_required,
    justification_required: c.met_justification_required,
    na_allowed: c.na_allowed,
    na_justification_required: c.na_justification_required,
    future: c.future,
    obsolete: c.obsolete,
  };
  return CRITERION_FLAGS.filter((flag) => on[flag]);
}

export interface CriteriaPageOptions {
  details: boolean;
  rationale: boolean;
}

export interface CriteriaPageView {
  /** The level shown, or null for the page listing every level. */
  selected: Level | null;
  levels: {
    level: Level;
    count: number;
    sections: { major: string; groups: { minor: string; criteria: { criterion: Criterion; displayId: string; flags: CriterionFlag[] }[] }[] }[];
  }[];
  options: CriteriaPageOptions;
  /** Every level key, for the level navigation. */
  levelKeys: string[];
}

/** A query flag is on for "true" or "1" (as upstream); anything else is off. */
export function queryFlag(value: unknown): boolean {
  return value === 'true' || value === '1';
}

export function criteriaPageView(set: CriteriaSet, selected: Level | null, options: CriteriaPageOptions): CriteriaPageView {
  const shown = selected ? [selected] : set.levels;
  return {
    selected,
    options,
    levelKeys: set.levels.map((l) => l.key),
    levels: shown.map((level) => ({
      level,
      count: level.criteria.length,
      sections: level.sections.map((section) => ({
        major: section.major,
        groups: section.groups.map((group) => ({
          minor: group.minor,
          criteria: group.criteria.map((criterion) => ({ criterion, displayId: displayId(criterion), flags: criterionFlags(criterion) })),
        })),
      })),
    })),
  };
}

/** Query string for a criteria page link with the given toggles (only the ones switched on). */
export function criteriaQuery(options: CriteriaPageOptions): string {
  const params = new URLSearchParams();
  if (options.details) params.set('details', 'true');
  if (options.rationale) params.set('rationale', 'true');
  const query = params.toString();
  return query ? `?${query}` : '';
}
