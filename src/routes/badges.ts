import { Router, type Request, type Response } from 'express';
import { cdnCacheable } from '../http/cache.ts';
import { HttpError, notFound } from '../http/errors.ts';
import { presentProject } from '../presenters/project-json.ts';
import { badgeJson, badgeValueOf } from '../services/badge-cache.ts';
import { isBadgeStyle, parseBadgeValue, renderBadgeSvg, type BadgeStyle } from '../services/badge.ts';
import { loadProject } from '../http/request.ts';
import type { RouteContext } from './context.ts';

/**
 * Machine-facing, CDN-cached routes. They are mounted before the session middleware, so they
 * never read or set a cookie and their output cannot depend on who is asking.
 */
export function badgeRoutes(ctx: RouteContext): Router {
  const router = Router();

  const styleOf = (req: Request): BadgeStyle => {
    const style = req.query.style;
    if (style === undefined) return 'flat';
    if (isBadgeStyle(style)) return style;
    throw new HttpError(400, 'bad_style', 'bad_style', { style: 'flat, flat-square, for-the-badge or plastic' });
  };

  const sendSvg = (res: Response, svg: string) => {
    res.type('image/svg+xml').set('Content-Disposition', 'inline').send(svg);
  };

  // The fast path (src/http/badge-fast-path.ts) answers these from its cache; they run for what it
  // leaves to Express (odd spellings, cache misses it could not read, BADGE_CACHE=off failures)
  // and must answer byte for byte the same, so both take value and JSON from the badge cache module.
  for (const [segment, series] of [['badge', 'metal'], ['baseline', 'baseline']] as const) {
    router.get([`/projects/:id/${segment}`, `/projects/:id/${segment}.svg`], async (req, res) => {
      const style = styleOf(req);
      const project = await loadProject(ctx, req);
      const value = badgeValueOf(ctx, series, series === 'metal' ? project.tieredPercentage : project.baselineTieredPercentage);
      cdnCacheable(res, ctx.config, [`projects/${project.id}`]);
      sendSvg(res, renderBadgeSvg(value, { style }));
    });

    router.get(`/projects/:id/${segment}.json`, async (req, res) => {
      const project = await loadProject(ctx, req);
      cdnCacheable(res, ctx.config, [`projects/${project.id}`]);
      res.json(badgeJson(ctx, series, { ...project, baselinePercentage: project.badgePercentageBaseline1 }));
    });
  }

  router.get('/projects/:id.json', async (req, res) => {
    const project = await loadProject(ctx, req);
    cdnCacheable(res, ctx.config, [`projects/${project.id}`]);
    res.json(presentProject(ctx.criteria, project));
  });

  router.get('/badge_static/:value', (req, res) => {
    const value = parseBadgeValue(req.params.value);
    if (value === null) throw notFound('badge');
    cdnCacheable(res, ctx.config, [`/badge_percent/${req.params.value}`]);
    sendSvg(res, renderBadgeSvg(value, { style: styleOf(req) }));
  });

  return router;
}
