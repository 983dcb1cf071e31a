import { Router, type Request } from 'express';
import { notFound } from '../http/errors.ts';
import { legacyLevel } from '../http/params.ts';
import { criteriaPageView, criteriaQuery, queryFlag, type CriteriaPageOptions } from '../presenters/criteria-page.ts';
import { NATIVE_NAMES, criteriaCoverage } from '../i18n.ts';
import type { RouteContext } from './context.ts';

/**
 * The criteria pages, generated from the loaded criteria. They have no form, so they never ask
 * for a CSRF token and an anonymous reader gets no session cookie.
 */
export function criteriaRoutes(ctx: RouteContext): Router {
  const router = Router();

  // Per request, not per router: cheap (a few thousand lookups), and always the loaded text.
  const coverage = () => criteriaCoverage(ctx.i18n, ctx.criteria).map((c) => ({ ...c, name: NATIVE_NAMES[c.locale] }));
  const optionsOf = (req: Request): CriteriaPageOptions => ({ details: queryFlag(req.query.details), rationale: queryFlag(req.query.rationale) });

  router.get('/criteria', (req, res) => {
    const options = optionsOf(req);
    res.render('criteria/index', { ...criteriaPageView(ctx.criteria, null, options), queryFor: criteriaQuery, coverage: coverage() });
  });

  router.get('/criteria/:level', (req, res) => {
    const raw = req.params.level;
    const options = optionsOf(req);
    const legacy = legacyLevel(ctx.criteria, raw);
    if (legacy) {
      // Not res.redirect: that saves the session, and an anonymous reader should get no row and no cookie.
      res.status(301).location(`/criteria/${legacy.key}${criteriaQuery(options)}`).end();
      return;
    }
    const level = ctx.criteria.level(raw);
    if (!level) throw notFound('level');
    res.render('criteria/index', { ...criteriaPageView(ctx.criteria, level, options), queryFor: criteriaQuery, coverage: coverage() });
  });

  return router;
}
