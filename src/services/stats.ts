import type { CriteriaSet } from '../criteria/index.ts';
import { HIGHER_BANDS, PASSING_BANDS, type FeedProject, type ProjectCounts, type StatsDay } from '../domain/stats.ts';
import { IN_PROGRESS, badgeLevelName, badgeLevelNames } from './scoring/index.ts';
import type { ServiceContext } from './context.ts';

/**
 * Daily project statistics. One project_stats row per UTC day holds flat numeric fields:
 *   percent_ge_N       live projects with tiered_percentage >= N (N = 0 is the total)
 *   percent_1_ge_N     badge_percentage_1 (silver) >= N
 *   percent_2_ge_N     badge_percentage_2 (gold) >= N
 *   percent_baseline_<n>_ge_N   badge_percentage_baseline_<n> >= N (upstream's names); the 100
 *                      band also needs every lower baseline level at 100 (holders of that badge)
 *   total_projects     live projects
 *   level_<name>       live projects by badge level (in_progress, passing, silver, gold)
 *   level_baseline_<n>, level_baseline_in_progress
 *                      live projects by baseline badge level (from baseline_tiered_percentage,
 *                      so a level counts only with every lower one complete; docs/criteria.md)
 * New projects per month are not stored: they are derived from projects.created_at on demand.
 * Rows written before a field existed simply lack it; readers treat a missing field as absent.
 */
export type StatsData = Record<string, number>;

/** Field name of the count of projects at a baseline badge level (`level_baseline_1`, …). */
export function baselineLevelField(name: string): string {
  return name === IN_PROGRESS ? 'level_baseline_in_progress' : `level_${name.replace(/-/g, '_')}`;
}

/** Field-name prefix of a baseline level's progress bands, by rank: `percent_baseline_1_ge_`, … */
export function baselineBandPrefix(rank: number): string {
  return `percent_baseline_${rank + 1}_ge_`;
}

export function statsData(set: CriteriaSet, counts: ProjectCounts): StatsData {
  const data: StatsData = { total_projects: counts.total };
  for (const band of PASSING_BANDS) data[`percent_ge_${band}`] = counts.tieredAtLeast[band] ?? 0;
  for (const band of HIGHER_BANDS) data[`percent_1_ge_${band}`] = counts.silverAtLeast[band] ?? 0;
  for (const band of HIGHER_BANDS) data[`percent_2_ge_${band}`] = counts.goldAtLeast[band] ?? 0;
  for (const name of badgeLevelNames(set)) data[`level_${name}`] = 0;
  for (const [tier, count] of Object.entries(counts.byTier)) {
    const key = `level_${badgeLevelName(set, Number(tier) * 100)}`;
    data[key] = (data[key] ?? 0) + count;
  }
  for (const level of set.series('baseline')) {
    for (const band of HIGHER_BANDS) data[`${baselineBandPrefix(level.rank)}${band}`] = counts.baselineAtLeast[level.rank]?.[band] ?? 0;
  }
  if (set.series('baseline').length > 0) {
    for (const name of badgeLevelNames(set, 'baseline')) data[baselineLevelField(name)] = 0;
    for (const [tier, count] of Object.entries(counts.byBaselineTier)) {
      const key = baselineLevelField(badgeLevelName(set, Number(tier) * 100, 'baseline'));
      data[key] = (data[key] ?? 0) + count;
    }
  }
  return data;
}

/** Midnight UTC of the day containing `at`. */
export function utcDay(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
}

/** Today's numbers, computed live (used by the page before the first snapshot exists). */
export async function currentStats(ctx: ServiceContext): Promise<StatsData> {
  return statsData(ctx.criteria, await ctx.db.stats.countProjects());
}

/** Computes and stores the snapshot for `day` (its UTC date); running it again replaces the row. */
export async function recordDailyStats(ctx: ServiceContext, day: Date): Promise<StatsData> {
  const data = await currentStats(ctx);
  await ctx.db.stats.upsertDay(utcDay(day), data);
  return data;
}

export interface StatsRow {
  date: string;
  values: StatsData;
}

export function isoDate(day: Date): string {
  return day.toISOString().slice(0, 10);
}

/** Every daily snapshot, oldest first. */
export function statsDays(ctx: ServiceContext): Promise<StatsDay[]> {
  return ctx.db.stats.days();
}

/** The most recently updated live projects with their owners, for the Atom feed. */
export function feedProjects(ctx: ServiceContext, limit: number): Promise<FeedProject[]> {
  return ctx.db.stats.recentlyUpdatedForFeed(limit);
}

/** Snapshots, oldest first. */
export function statsRows(days: StatsDay[]): StatsRow[] {
  return days.map((d) => ({ date: isoDate(d.day), values: d.data }));
}

/** The JSON wire shape of one day: {date, ...numbers}. */
export function statsJson(rows: StatsRow[]): Record<string, string | number>[] {
  return rows.map((r) => ({ date: r.date, ...r.values }));
}

/** Union of the numeric columns of all rows, in first-seen order. */
export function statsColumns(rows: StatsRow[]): string[] {
  const columns = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row.values)) columns.add(key);
  return [...columns];
}

/**
 * Live projects created in each of the last `months` UTC months (current month included),
 * with zero-filled gaps, oldest first.
 */
export async function newProjectsPerMonth(ctx: ServiceContext, months: number): Promise<{ month: string; count: number }[]> {
  const now = ctx.now();
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (months - 1), 1));
  const rows = await ctx.db.stats.createdPerMonth(start);
  const byMonth = new Map(rows.map((r) => [r.month.toISOString().slice(0, 7), r.count]));
  const out: { month: string; count: number }[] = [];
  for (let i = 0; i < months; i++) {
    const key = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + i, 1)).toISOString().slice(0, 7);
    out.push({ month: key, count: byMonth.get(key) ?? 0 });
  }
  return out;
}

/** Seconds until the next daily snapshot (23:30 UTC); caches of the data expire then. */
export function secondsUntilNextSnapshot(now: Date): number {
  const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 23, 30));
  if (next.getTime() <= now.getTime()) next.setUTCDate(next.getUTCDate() + 1);
  const seconds = Math.ceil((next.getTime() - now.getTime()) / 1000);
  // Around the snapshot time keep caching short so the new row shows up promptly.
  return seconds < 300 || seconds > 86_400 - 300 ? 120 : seconds;
}

export interface Obstacle {
  id: string;
  level: string;
  blocked: number;
  candidates: number;
  /** Share of candidates blocked by this criterion, 0..100 rounded to one decimal. */
  percent: number;
}

export interface LevelObstacles {
  level: string;
  rank: number;
  obstacles: Obstacle[];
}

export const OBSTACLES_PER_LEVEL = 15;

/**
 * For each level (metal, then baseline), the MUST criteria most often Unmet or ? among projects
 * that are nearly done with it and have completed the levels below it in its series.
 */
export async function mostCommonObstacles(ctx: ServiceContext): Promise<LevelObstacles[]> {
  const out: LevelObstacles[] = [];
  for (const level of ctx.criteria.levels) {
    // Prerequisite criteria are set by scoring from the previous level, never by the user.
    const mustIds = level.active.filter((c) => c.category === 'MUST' && !c.prerequisite).map((c) => c.id);
    const rows = await ctx.db.stats.obstacles(level.series, level.rank, mustIds, OBSTACLES_PER_LEVEL);
    out.push({
      level: level.key,
      rank: level.rank,
      obstacles: rows.map((r) => ({
        id: r.id,
        level: level.key,
        blocked: r.blocked,
        candidates: r.candidates,
        percent: r.candidates === 0 ? 0 : Math.round((1000 * r.blocked) / r.candidates) / 10,
      })),
    });
  }
  return out;
}

export interface CriteriaLevelStats {
  level: string;
  active: number;
  must: number;
  should: number;
  suggested: number;
  naAllowed: number;
  metJustificationRequired: number;
  urlRequired: number;
  hasDetails: number;
  future: number;
  obsolete: number;
}

/** Counts of criteria per level, from the loaded criteria (no database). */
export function criteriaStats(set: CriteriaSet): CriteriaLevelStats[] {
  return set.levels.map((level) => {
    const active = level.active;
    const count = (pred: (c: (typeof level.criteria)[number]) => boolean, list = active) => list.filter(pred).length;
    return {
      level: level.key,
      active: active.length,
      must: count((c) => c.category === 'MUST'),
      should: count((c) => c.category === 'SHOULD'),
      suggested: count((c) => c.category === 'SUGGESTED'),
      naAllowed: count((c) => c.na_allowed),
      metJustificationRequired: count((c) => c.met_justification_required),
      urlRequired: count((c) => c.met_url_required),
      hasDetails: count((c) => c.details !== undefined),
      future: count((c) => c.future, level.criteria),
      obsolete: count((c) => c.obsolete, level.criteria),
    };
  });
}
