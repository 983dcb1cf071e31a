import { Router } from 'express';
import { apiPageView } from '../presenters/openapi-page.ts';
import { buildOpenApi } from '../presenters/openapi.ts';
import type { RouteContext } from './context.ts';

/**
 * GET /openapi.json: the OpenAPI 3.1 document of the public read routes. Mounted with the public
 * machine routes (no session, never a cookie) and readable cross-origin like the data it describes.
 */
export function openApiRoutes(ctx: RouteContext): Router {
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.set('Access-Control-Allow-Origin', '*');
    res.json(buildOpenApi(ctx.criteria, ctx.config.publicUrl));
  });
  return router;
}

/** GET /api: the same document as an HTML page (no form, so anonymous readers get no cookie). */
export function apiPageRoutes(ctx: RouteContext): Router {
  const router = Router();
  router.get('/api', (_req, res) => {
    res.render('api/index', { api: apiPageView(buildOpenApi(ctx.criteria, ctx.config.publicUrl)) });
  });
  return router;
}
