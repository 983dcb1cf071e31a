import { Router } from 'express';
import { notFound } from '../http/errors.ts';
import { legacyLevel, parseId } from '../http/params.ts';
import { loadProject } from '../http/request.ts';
import type { Translate } from '../i18n.ts';
import { projectMarkdown } from '../presenters/project-markdown.ts';
import type { RouteContext } from './context.ts';

/**
 * GET /projects/:id/:level.md, the Markdown checklist of one level. Public and session-free; it
 * is mounted with the public routes, ahead of /projects/:id/:level, which would otherwise take
 * "passing.md" for a level name.
 */
export function projectMarkdownRoutes(ctx: RouteContext): Router {
  const router = Router();

  router.get('/projects/:id/:level.md', async (req, res) => {
    const legacy = legacyLevel(ctx.criteria, req.params.level);
    if (legacy) {
      res.redirect(301, `/projects/${parseId(req.params.id)}/${legacy.key}.md`);
      return;
    }
    const level = ctx.criteria.level(req.params.level);
    if (!level) throw notFound('level');
    const project = await loadProject(ctx, req);
    const t = res.locals.t as Translate;
    res.type('text/markdown; charset=utf-8').send(projectMarkdown(t, ctx.config.publicUrl, project, level, ctx.now()));
  });

  return router;
}
