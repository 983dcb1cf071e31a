import { Router, type Request, type Response } from 'express';
import { cdnCacheable } from '../http/cache.ts';
import { HttpError, notFound } from '../http/errors.ts';
import { presentBadge, presentProject } from '../presenters/project-json.ts';
import { IN_PROGRESS, badgeLevelName } from '../services/scoring/index.ts';
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


  router.get(['/projects/:id/badge', '/projects/:id/badge.svg'], async (req, res) => {
    const style = styleOf(req);
    const project = await loadProject(ctx, req);
    const level = badgeLevelName(ctx.criteria, project.tieredPercentage);
    const value = parseBadgeValue(level === IN_PROGRESS ? String(project.tieredPercentage) : level);
    if (value === null) throw new Error(`No badge image for level ${level}`);
    cdnCacheable(res, ctx.config, [`projects/${project.id}`]);
    sendSvg(res, renderBadgeSvg(value, { style }));
  });

  router.get('/projects/:id/badge.json', async (req, res) => {
    const project = await loadProject(ctx, req);
    cdnCacheable(res, ctx.config, [`projects/${project.id}`]);
    res.json(presentBadge(ctx.criteria, project));
  });

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
