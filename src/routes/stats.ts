import { Router, type Response } from 'express';
import { barChart, lineChart } from '../presenters/charts.ts';
import { renderAtomFeed } from '../presenters/feed.ts';
import { HIGHER_BANDS, PASSING_BANDS } from '../domain/stats.ts';
import { statsCsv } from '../presenters/stats-csv.ts';
import { criteriaStats, isoDate, secondsUntilNextSnapshot, statsJson, statsRows } from '../services/stats.ts';
import { badgeLevelName, badgeLevelNames } from '../services/scoring/index.ts';
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
        labels: {
          title: t('stats:feed.title'),
          unnamed: t('projects.unnamed'),
          level: (key) => t(`badge_levels.${key}`, { defaultValue: key }),
          inProgress: (percent) => t('stats:feed.in_progress', { percent }),
          tiered: (percent) => t('stats:feed.tiered', { percent }),
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
 *   GET /project_stats    totals, levels, new projects per month, progress bands, history
 *   GET /criteria_stats   criteria counts per level
 *   GET /obstacles        MUST criteria most often blocking nearly-complete projects
 */
export function statsPageRoutes(ctx: RouteContext): Router {
  const router = Router();

  router.get('/project_stats', async (_req, res) => {
    const t = ctx.i18n.getFixedT(DEFAULT_LOCALE);
    const days = await ctx.services.statsDays();
    const latest = days.at(-1);
    const data = latest ? latest.data : await ctx.services.currentStats();
    const months = await ctx.services.newProjectsPerMonth(MONTHS);
    const levels = badgeLevelNames(ctx.criteria).map((key) => ({ key, count: data[`level_${key}`] ?? 0 }));
    const bands = (prefix: string, list: readonly number[]) => list.map((band) => ({ band, count: data[`${prefix}${band}`] ?? 0 }));
    const progress = [
      { key: 'progress', bands: bands('percent_ge_', PASSING_BANDS) },
      { key: 'progress_silver', bands: bands('percent_1_ge_', HIGHER_BANDS) },
      { key: 'progress_gold', bands: bands('percent_2_ge_', HIGHER_BANDS) },
    ].map((p) => ({
      ...p,
      chart: barChart({
        title: t(`stats:page.${p.key}`),
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
    res.render('stats/index', {
      asOf: latest ? isoDate(latest.day) : null,
      total: data.total_projects ?? data.percent_ge_0 ?? 0,
      levels,
      levelChart: barChart({
        title: t('stats:page.by_level'),
        labels: levels.map((l) => t(`badge_levels.${l.key}`, { defaultValue: l.key })),
        values: levels.map((l) => l.count),
        barClasses: levels.map((l) => `level-${l.key}`),
      }),
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
          obstacles: l.obstacles.map((o) => ({ ...o, criterion: level?.criteria.find((c) => c.id === o.id) ?? null })),
        };
      }),
    });
  });

  return router;
}
