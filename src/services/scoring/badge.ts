import type { CriteriaSet, Level, Series } from '../../criteria/index.ts';

/** Badge level name used before the first level of a series is complete. */
export const IN_PROGRESS = 'in_progress';

/**
 * Tiered percentage of one series: the first level (by rank) below 100 contributes
 * rank * 100 + its percentage; a fully complete series gives 100 * number of levels
 * (300 = gold for the metal series). An empty series is 0.
 */
export function tieredPercentage(levels: readonly Level[], percentages: Readonly<Record<string, number>>): number {
  for (const [rank, level] of levels.entries()) {
    const pct = percentages[level.key] ?? 0;
    if (pct < 100) return rank * 100 + pct;
  }
  return levels.length * 100;
}

/**
 * The badge-level rule, written once: ['in_progress', ...level keys by rank][floor(tiered / 100)],
 * clamped to the names that exist. Every page, feed, list, badge and mail takes its level from here.
 */
export function badgeLevelFromTiered(levels: readonly Level[], tiered: number): string {
  const names = [IN_PROGRESS, ...levels.map((l) => l.key)];
  const index = Math.min(Math.max(Math.floor(tiered / 100), 0), names.length - 1);
  return names[index] ?? IN_PROGRESS;
}

/** The badge level (of the metal series unless another is named) for a tiered percentage. */
export function badgeLevelName(set: CriteriaSet, tiered: number, series: Series = 'metal'): string {
  return badgeLevelFromTiered(set.series(series), tiered);
}

/** Badge level names of a series in rank order: in_progress, then each level key. */
export function badgeLevelNames(set: CriteriaSet, series: Series = 'metal'): [string, ...string[]] {
  return [IN_PROGRESS, ...set.series(series).map((l) => l.key)];
}

/**
 * Rank of a badge level within its series: in_progress 0, first level 1, second 2, ... (§4.5).
 * Throws on a name that is not a level of that series, since comparing it would be meaningless.
 */
export function rankOfBadgeLevel(set: CriteriaSet, series: Series, level: string): number {
  const rank = badgeLevelNames(set, series).indexOf(level);
  if (rank < 0) throw new RangeError(`"${level}" is not a badge level of the ${series} series`);
  return rank;
}

/** A change of badge level is a loss when the new rank is lower than the old one (§4.5). */
export function isLoss(set: CriteriaSet, series: Series, oldLevel: string, newLevel: string): boolean {
  return rankOfBadgeLevel(set, series, newLevel) < rankOfBadgeLevel(set, series, oldLevel);
}
