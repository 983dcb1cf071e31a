/** Reporting shapes: daily statistics, obstacles and the feed. */

/** Progress bands used by the daily snapshot (percentages of a level). */
export const PASSING_BANDS = [0, 25, 50, 75, 90, 100] as const;
export const HIGHER_BANDS = [25, 50, 75, 90, 100] as const;

/** Raw counts over live (not soft-deleted) projects, as of the moment of the query. */
export interface ProjectCounts {
  total: number;
  /** tiered_percentage >= band, for each of PASSING_BANDS. */
  tieredAtLeast: Record<number, number>;
  /** badge_percentage_1 >= band, for each of HIGHER_BANDS. */
  silverAtLeast: Record<number, number>;
  /** badge_percentage_2 >= band, for each of HIGHER_BANDS. */
  goldAtLeast: Record<number, number>;
  /** floor(tiered_percentage / 100) -> count (0 = in progress, 1 = first metal level, …). */
  byTier: Record<number, number>;
  /**
   * Per baseline level, by rank (index 0 = baseline-1): badge_percentage_baseline_<rank+1> >= band,
   * for each of HIGHER_BANDS. The 100 band also requires every lower baseline level at 100, as
   * upstream's percent_baseline_<n>_ge_100 does, so it counts projects that hold that badge.
   */
  baselineAtLeast: Record<number, number>[];
  /** floor(baseline_tiered_percentage / 100) -> count (0 = in progress, 1 = baseline-1, …). */
  byBaselineTier: Record<number, number>;
}

export interface StatsDay {
  day: Date;
  data: Record<string, number>;
}

export interface ObstacleRow {
  id: string;
  /** Candidate projects whose answer is Unmet or ? (missing). */
  blocked: number;
  /** All candidate projects of the level (the share's denominator). */
  candidates: number;
}

export interface FeedProject {
  id: number;
  name: string | null;
  description: string | null;
  homepageUrl: string | null;
  repoUrl: string | null;
  entryLocale: string;
  tieredPercentage: number;
  badgePercentage0: number | null;
  baselineTieredPercentage: number;
  badgePercentageBaseline1: number | null;
  updatedAt: Date;
  owner: { name: string; nickname: string | null };
}
