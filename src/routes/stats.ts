import { Router, type Response } from 'express';
import { displayId } from '../criteria/index.ts';
import { barChart, lineChart } from '../presenters/charts.ts';
import { renderAtomFeed } from '../presenters/feed.ts';
import { HIGHER_BANDS, PASSING_BANDS } from '../domain/stats.ts';
import { statsCsv } from '../presenters/stats-csv.ts';
import { baselineBandPrefix, baselineLevelField, criteriaStats, isoDate, secondsUntilNextSnapshot, statsJson, statsRows } from '../services/stats.ts';
import { IN_PROGRESS, badgeLevelName, badgeLevelNames } from '../services/scoring/index.ts';
import { DEFAULT_LOCALE } from '../i18n.ts';
import type { RouteContext } from './context.ts';

export const FEED_SIZE = 50;
const MONTHS = 24;

/**
 * Machine-readable statistics and the Atom feed: mounted before the session middleware, so
 * they never read or set a cookie.
 *
 *   GET /project_stats.json   daily snapshots [{date, ...numbers}] oldest first
 *   GET /project_stats.csv    the same as CSV (attachment)
 *   GET /feed                 Atom feed of the 50 most recently updated projects
 */
export function statsDataRoutes(ctx: RouteContext): Router {
  const router = Router();

  const cacheUntilSnapshot = (res: Response) => {
    res.set('Cache-Control', `public, max-age=${secondsUntilNextSnapshot(ctx.now())}`);
  };

  router.get('/project_stats.json', async (_req, res) => {
    const rows = statsRows(await ctx.services.statsDays());
    cacheUntilSnapshot(res);
    res.json(statsJson(rows));
  });

  router.get('/project_stats.csv', async (_req, res) => {
    const rows = statsRows(await ctx.services.statsDays());
    cacheUntilSnapshot(res);
    res.type('text/csv; charset=utf-8').attachment('project_stats.csv').send(statsCsv(rows));
  });

  router.get('/feed', async (_req, res) => {
    const t = ctx.i18n.getFixedT(DEFAULT_LOCALE);
    const projects = await ctx.services.feedProjects(FEED_SIZE);
    const base = ctx.config.publicUrl;
    const xml = renderAtomFeed(
      projects,
      {
        baseUrl: base,
        selfUrl: `${base}/feed`,
        locale: DEFAULT_LOCALE,
        badgeLevel: (tiered) => badgeLevelName(ctx.criteria, tiered),
        baselineBadgeLevel: (tiered) => badgeLevelName(ctx.criteria, tiered, 'baseline'),
        labels: {
          title: t('stats:feed.title'),
          unnamed: t('projects.unnamed'),
          level: (key) => t(`badge_levels.${key}`, { defaultValue: key }),
          inProgress: (percent) => t('stats:feed.in_progress', { percent }),
          tiered: (percent) => t('stats:feed.tiered', { percent }),
          baselineLevel: (key) => t(`criteria:levels.${key}`, { defaultValue: key }),
          baselineInProgress: (percent) => t('stats:feed.baseline_in_progress', { percent }),
          baselineTiered: (percent) => t('stats:feed.baseline_tiered', { percent }),
        },
      },
      ctx.now(),
    );
    res.type('application/atom+xml; charset=utf-8').send(xml);
  });

  return router;
}

/**
 * HTML statistics pages (anonymous, rendered with the layout).
 *
 *   GET /project_stats    totals, levels of both series, new projects per month, progress bands
 *                         of every level, history of badge holders
 *   GET /criteria_stats   criteria counts per level
 *   GET /obstacles        MUST criteria most often blocking nearly-complete projects, per level
 *                         of both series
 */
export function statsPageRoutes(ctx: RouteContext): Router {
  const router = Router();

  router.get('/project_stats', async (_req, res) => {
    const t = ctx.i18n.getFixedT(DEFAULT_LOCALE);
    const levelTitle = (key: string) => t(`criteria:levels.${key}`, { defaultValue: key });
    const days = await ctx.services.statsDays();
    const latest = days.at(-1);
    const data = latest ? latest.data : await ctx.services.currentStats();
    const months = await ctx.services.newProjectsPerMonth(MONTHS);
    const levels = badgeLevelNames(ctx.criteria).map((key) => ({ key, className: `level-${key}`, name: t(`badge_levels.${key}`, { defaultValue: key }), count: data[`level_${key}`] ?? 0 }));
    const baselineSeries = ctx.criteria.series('baseline');
    // The baseline in-progress bar takes the colour of the baseline in-progress badge.
    const baselineLevels = baselineSeries.length
      ? badgeLevelNames(ctx.criteria, 'baseline').map((key) => ({
          key,
          className: key === IN_PROGRESS ? 'level-baseline-in-progress' : `level-${key}`,
          name: key === IN_PROGRESS ? t(`badge_levels.${key}`) : levelTitle(key),
          count: data[baselineLevelField(key)] ?? 0,
        }))
      : [];
    const bands = (prefix: string, list: readonly number[]) => list.map((band) => ({ band, count: data[`${prefix}${band}`] ?? 0 }));
    const metalTitles = ['progress', 'progress_silver', 'progress_gold'];
    const metalPrefixes = ['percent_ge_', 'percent_1_ge_', 'percent_2_ge_'];
    const progress = [
      ...ctx.criteria.series('metal').map((level) => ({
        level: level.key,
        title: t(`stats:page.${metalTitles[level.rank] ?? 'progress_level'}`, { level: levelTitle(level.key) }),
        bands: bands(metalPrefixes[level.rank] ?? '', level.rank === 0 ? PASSING_BANDS : HIGHER_BANDS),
      })),
      ...baselineSeries.map((level) => ({
        level: level.key,
        title: t('stats:page.progress_level', { level: levelTitle(level.key) }),
        bands: bands(baselineBandPrefix(level.rank), HIGHER_BANDS),
      })),
    ].map((p) => ({
      ...p,
      chart: barChart({
        title: p.title,
        labels: p.bands.map((b) => t('stats:page.band', { band: b.band })),
        values: p.bands.map((b) => b.count),
      }),
    }));
    const rows = statsRows(days);
    const history = rows.length
      ? lineChart({
          title: t('stats:page.history_passing'),
          labels: rows.map((r) => r.date),
          series: [
            { name: t('stats:page.series_total'), values: rows.map((r) => r.values.total_projects ?? r.values.percent_ge_0 ?? 0) },
            { name: t('stats:page.series_passing'), values: rows.map((r) => r.values.percent_ge_100 ?? 0), className: 'level-passing' },
            { name: t('stats:page.series_silver'), values: rows.map((r) => r.values.percent_1_ge_100 ?? 0), className: 'level-silver' },
            { name: t('stats:page.series_gold'), values: rows.map((r) => r.values.percent_2_ge_100 ?? 0), className: 'level-gold' },
          ],
        })
      : null;
    // Holders of each baseline badge per day (the 100 band needs every lower level complete).
    const baselineHistorySeries = baselineSeries.map((level) => ({
      key: level.key,
      name: levelTitle(level.key),
      values: rows.map((r) => r.values[`${baselineBandPrefix(level.rank)}100`] ?? 0),
    }));
    const baselineHistory = rows.length && baselineSeries.length
      ? lineChart({
          title: t('stats:page.history_baseline'),
          labels: rows.map((r) => r.date),
          series: baselineHistorySeries.map((s) => ({ name: s.name, values: s.values, className: `level-${s.key}` })),
        })
      : null;
    res.render('stats/index', {
      asOf: latest ? isoDate(latest.day) : null,
      total: data.total_projects ?? data.percent_ge_0 ?? 0,
      levels,
      levelChart: barChart({
        title: t('stats:page.by_level'),
        labels: levels.map((l) => l.name),
        values: levels.map((l) => l.count),
        barClasses: levels.map((l) => l.className),
      }),
      baselineLevels,
      baselineLevelChart: baselineLevels.length
        ? barChart({
            title: t('stats:page.by_baseline_level'),
            labels: baselineLevels.map((l) => l.name),
            values: baselineLevels.map((l) => l.count),
            barClasses: baselineLevels.map((l) => l.className),
          })
        : null,
      months,
      monthsCount: MONTHS,
      monthChart: barChart({
        title: t('stats:page.new_per_month', { months: MONTHS }),
        labels: months.map((m) => m.month),
        values: months.map((m) => m.count),
      }),
      progress,
      history,
      historyRows: rows,
      baselineHistory,
      baselineHistorySeries,
    });
  });

  router.get('/criteria_stats', (_req, res) => {
    res.render('stats/criteria', { rows: criteriaStats(ctx.criteria) });
  });

  router.get('/obstacles', async (_req, res) => {
    const levels = await ctx.services.mostCommonObstacles();
    res.render('stats/obstacles', {
      levels: levels.map((l) => {
        const level = ctx.criteria.level(l.level);
        return {
          ...l,
          candidates: l.obstacles[0]?.candidates ?? 0,
          obstacles: l.obstacles.map((o) => {
            const criterion = level?.criteria.find((c) => c.id === o.id) ?? null;
            // Baseline controls are known by their OSPS form (OSPS-AC-01.01), as everywhere else.
            return { ...o, criterion, displayId: criterion ? displayId(criterion) : o.id };
          }),
        };
      }),
    });
  });

  return router;
}
