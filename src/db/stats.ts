import { HIGHER_BANDS, PASSING_BANDS, type FeedProject, type ObstacleRow, type ProjectCounts, type StatsDay } from '../domain/stats.ts';
import type { Series } from '../criteria/index.ts';
import { withStoreErrors } from './errors.ts';
import type { Prisma, PrismaClient } from './generated/client.ts';

type Client = Pick<PrismaClient, 'projectStat' | '$queryRaw'>;

/**
 * Read-only reporting queries (daily statistics, obstacles, feed) plus the project_stats table.
 */
export interface StatsRepo {
  countProjects(): Promise<ProjectCounts>;
  /** Inserts or replaces the snapshot of one UTC day. */
  upsertDay(day: Date, data: Record<string, number>): Promise<void>;
  /** Every snapshot, oldest first. */
  days(): Promise<StatsDay[]>;
  /** Live projects created per UTC month since `since` (month start, count), oldest first. */
  createdPerMonth(since: Date): Promise<{ month: Date; count: number }[]>;
  /** See the comment in the implementation. A level the query has no column for has no candidates. */
  obstacles(series: Series, rank: number, mustIds: readonly string[], limit: number): Promise<ObstacleRow[]>;
  recentlyUpdatedForFeed(limit: number): Promise<FeedProject[]>;
}

function toNumberRecord(value: Prisma.JsonValue): Record<string, number> {
  const out: Record<string, number> = {};
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, v] of Object.entries(value)) if (typeof v === 'number') out[key] = v;
  }
  return out;
}

export function createStatsRepo(db: Client): StatsRepo {
  return withStoreErrors<StatsRepo>({
    async countProjects() {
      // One scan over the live rows; FILTER keeps each band a plain count.
      const rows = await db.$queryRaw<Record<string, number>[]>`
        SELECT count(*)::int AS total,
          count(*) FILTER (WHERE tiered_percentage >= 25)::int AS t25,
          count(*) FILTER (WHERE tiered_percentage >= 50)::int AS t50,
          count(*) FILTER (WHERE tiered_percentage >= 75)::int AS t75,
          count(*) FILTER (WHERE tiered_percentage >= 90)::int AS t90,
          count(*) FILTER (WHERE tiered_percentage >= 100)::int AS t100,
          count(*) FILTER (WHERE badge_percentage_1 >= 25)::int AS s25,
          count(*) FILTER (WHERE badge_percentage_1 >= 50)::int AS s50,
          count(*) FILTER (WHERE badge_percentage_1 >= 75)::int AS s75,
          count(*) FILTER (WHERE badge_percentage_1 >= 90)::int AS s90,
          count(*) FILTER (WHERE badge_percentage_1 >= 100)::int AS s100,
          count(*) FILTER (WHERE badge_percentage_2 >= 25)::int AS g25,
          count(*) FILTER (WHERE badge_percentage_2 >= 50)::int AS g50,
          count(*) FILTER (WHERE badge_percentage_2 >= 75)::int AS g75,
          count(*) FILTER (WHERE badge_percentage_2 >= 90)::int AS g90,
          count(*) FILTER (WHERE badge_percentage_2 >= 100)::int AS g100,
          count(*) FILTER (WHERE badge_percentage_baseline_1 >= 25)::int AS b1_25,
          count(*) FILTER (WHERE badge_percentage_baseline_1 >= 50)::int AS b1_50,
          count(*) FILTER (WHERE badge_percentage_baseline_1 >= 75)::int AS b1_75,
          count(*) FILTER (WHERE badge_percentage_baseline_1 >= 90)::int AS b1_90,
          count(*) FILTER (WHERE badge_percentage_baseline_1 >= 100)::int AS b1_100,
          count(*) FILTER (WHERE badge_percentage_baseline_2 >= 25)::int AS b2_25,
          count(*) FILTER (WHERE badge_percentage_baseline_2 >= 50)::int AS b2_50,
          count(*) FILTER (WHERE badge_percentage_baseline_2 >= 75)::int AS b2_75,
          count(*) FILTER (WHERE badge_percentage_baseline_2 >= 90)::int AS b2_90,
          count(*) FILTER (WHERE badge_percentage_baseline_2 >= 100 AND badge_percentage_baseline_1 >= 100)::int AS b2_100,
          count(*) FILTER (WHERE badge_percentage_baseline_3 >= 25)::int AS b3_25,
          count(*) FILTER (WHERE badge_percentage_baseline_3 >= 50)::int AS b3_50,
          count(*) FILTER (WHERE badge_percentage_baseline_3 >= 75)::int AS b3_75,
          count(*) FILTER (WHERE badge_percentage_baseline_3 >= 90)::int AS b3_90,
          count(*) FILTER (WHERE badge_percentage_baseline_3 >= 100 AND badge_percentage_baseline_2 >= 100
                                 AND badge_percentage_baseline_1 >= 100)::int AS b3_100
        FROM projects WHERE deleted_at IS NULL`;
      const tiers = await db.$queryRaw<{ tier: number; count: number }[]>`
        SELECT (GREATEST(tiered_percentage, 0) / 100)::int AS tier, count(*)::int AS count
        FROM projects WHERE deleted_at IS NULL GROUP BY 1 ORDER BY 1`;
      const baselineTiers = await db.$queryRaw<{ tier: number; count: number }[]>`
        SELECT (GREATEST(baseline_tiered_percentage, 0) / 100)::int AS tier, count(*)::int AS count
        FROM projects WHERE deleted_at IS NULL GROUP BY 1 ORDER BY 1`;
      const r = rows[0] ?? {};
      const pick = (prefix: string, bands: readonly number[]) =>
        Object.fromEntries(bands.map((b) => [b, b === 0 ? (r.total ?? 0) : (r[`${prefix}${b}`] ?? 0)]));
      return {
        total: r.total ?? 0,
        tieredAtLeast: pick('t', PASSING_BANDS),
        silverAtLeast: pick('s', HIGHER_BANDS),
        goldAtLeast: pick('g', HIGHER_BANDS),
        byTier: Object.fromEntries(tiers.map((t) => [t.tier, t.count])),
        baselineAtLeast: [1, 2, 3].map((n) => pick(`b${n}_`, HIGHER_BANDS)),
        byBaselineTier: Object.fromEntries(baselineTiers.map((t) => [t.tier, t.count])),
      };
    },
    async upsertDay(day, data) {
      const json = data as Prisma.InputJsonObject;
      await db.projectStat.upsert({ where: { day }, create: { day, data: json }, update: { data: json } });
    },
    async days() {
      const rows = await db.projectStat.findMany({ orderBy: { day: 'asc' }, select: { day: true, data: true } });
      return rows.map((r) => ({ day: r.day, data: toNumberRecord(r.data) }));
    },
    async createdPerMonth(since) {
      return db.$queryRaw<{ month: Date; count: number }[]>`
        SELECT date_trunc('month', created_at AT TIME ZONE 'UTC') AS month, count(*)::int AS count
        FROM projects
        WHERE deleted_at IS NULL AND created_at >= ${since}
        GROUP BY 1 ORDER BY 1`;
    },
    async obstacles(series, rank, mustIds, limit) {
      if (mustIds.length === 0) return [];
      // Candidates: live projects that are close to the level (its percentage is 90..99) and
      // have every lower level of the series complete. The level's column is chosen with CASE on
      // the bound series and rank, so no identifier is ever interpolated. Metal levels cascade
      // through their prerequisite criteria (silver at 100 implies passing at 100), so the level
      // just below is enough there; baseline levels have no such criteria, so each lower baseline
      // level is checked (the baseline badge needs them all, docs/criteria.md).
      // Each MUST id (unnest of a bound text[]) is crossed with every candidate; the answer's
      // status is read with answers -> id ->> 'status', and a missing answer counts as 0 (?),
      // so "blocked" counts ? (0) and Unmet (1). Sorting and the limit happen in SQL; the
      // candidate total rides along as a window count so one query answers everything.
      const level = `${series}-${rank}`;
      return db.$queryRaw<ObstacleRow[]>`
        WITH candidates AS (
          SELECT answers FROM projects
          WHERE deleted_at IS NULL
            AND (CASE ${level}::text WHEN 'metal-0' THEN COALESCE(badge_percentage_0, 0)
                                     WHEN 'metal-1' THEN badge_percentage_1
                                     WHEN 'metal-2' THEN badge_percentage_2
                                     WHEN 'baseline-0' THEN COALESCE(badge_percentage_baseline_1, 0)
                                     WHEN 'baseline-1' THEN COALESCE(badge_percentage_baseline_2, 0)
                                     WHEN 'baseline-2' THEN COALESCE(badge_percentage_baseline_3, 0) END) BETWEEN 90 AND 99
            AND (CASE ${level}::text WHEN 'metal-0' THEN 100
                                     WHEN 'metal-1' THEN COALESCE(badge_percentage_0, 0)
                                     WHEN 'metal-2' THEN badge_percentage_1
                                     WHEN 'baseline-0' THEN 100
                                     WHEN 'baseline-1' THEN COALESCE(badge_percentage_baseline_1, 0)
                                     WHEN 'baseline-2' THEN LEAST(COALESCE(badge_percentage_baseline_1, 0),
                                                                  COALESCE(badge_percentage_baseline_2, 0)) END) = 100
        ),
        per_criterion AS (
          SELECT c.id,
            count(*) FILTER (WHERE COALESCE((p.answers -> c.id ->> 'status')::int, 0) IN (0, 1))::int AS blocked,
            count(*)::int AS candidates
          FROM unnest(${mustIds as string[]}::text[]) AS c(id)
          CROSS JOIN candidates p
          GROUP BY c.id
        )
        SELECT id, blocked, candidates FROM per_criterion
        WHERE blocked > 0
        ORDER BY blocked DESC, id
        LIMIT ${limit}`;
    },
    async recentlyUpdatedForFeed(limit) {
      const rows = await db.$queryRaw<
        { id: number; name: string | null; description: string | null; homepage_url: string | null; repo_url: string | null;
          entry_locale: string; tiered_percentage: number; badge_percentage_0: number | null;
          baseline_tiered_percentage: number; badge_percentage_baseline_1: number | null; updated_at: Date;
          owner_name: string; owner_nickname: string | null }[]
      >`
        SELECT p.id, p.name, p.description, p.homepage_url, p.repo_url, p.entry_locale, p.tiered_percentage,
               p.badge_percentage_0, p.baseline_tiered_percentage, p.badge_percentage_baseline_1,
               p.updated_at, u.name AS owner_name, u.nickname AS owner_nickname
        FROM projects p JOIN users u ON u.id = p.user_id
        WHERE p.deleted_at IS NULL
        ORDER BY p.updated_at DESC, p.id DESC
        LIMIT ${limit}`;
      return rows.map((r) => ({
        id: r.id,
        name: r.name,
        description: r.description,
        homepageUrl: r.homepage_url,
        repoUrl: r.repo_url,
        entryLocale: r.entry_locale,
        tieredPercentage: r.tiered_percentage,
        badgePercentage0: r.badge_percentage_0,
        baselineTieredPercentage: r.baseline_tiered_percentage,
        badgePercentageBaseline1: r.badge_percentage_baseline_1,
        updatedAt: r.updated_at,
        owner: { name: r.owner_name, nickname: r.owner_nickname },
      }));
    },
  });
}
