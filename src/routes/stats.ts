import { Router, type Response } from 'express';
import { displayId } from '../criteria/index.ts';
import { statsPageView } from '../presenters/stats-page.ts';
import { renderAtomFeed } from '../presenters/feed.ts';
import { statsCsv } from '../presenters/stats-csv.ts';
import { criteriaStats, secondsUntilNextSnapshot, statsJson, statsRows } from '../services/stats.ts';
import { badgeLevelName } from '../services/scoring/index.ts';
import { DEFAULT_LOCALE, isLocale, type Translate } from '../i18n.ts';
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
    // A feed is fetched by readers that send no useful Accept-Language and may be shared by a
    // cache: its language is the one in its address (/de/feed), else English.
    const requested = res.locals.requestedLocale as unknown;
    const locale = isLocale(requested) ? requested : DEFAULT_LOCALE;
    const t = ctx.i18n.getFixedT(locale);
    const projects = await ctx.services.feedProjects(FEED_SIZE);
    const base = ctx.config.publicUrl;
    const xml = renderAtomFeed(
      projects,
      {
        baseUrl: base,
        selfUrl: `${base}${locale === DEFAULT_LOCALE && !isLocale(requested) ? '' : `/${locale}`}/feed`,
        locale,
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
    const days = await ctx.services.statsDays();
    // Before the first daily snapshot the numbers are computed live.
    const current = days.length ? null : await ctx.services.currentStats();
    const months = await ctx.services.newProjectsPerMonth(MONTHS);
    res.render('stats/index', statsPageView(ctx.criteria, res.locals.t as Translate, { days, current, months, monthsCount: MONTHS }));
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
