import { Router, type Response } from 'express';
import { cdnCacheable } from '../http/cache.ts';
import { loadProject } from '../http/request.ts';
import type { Translate } from '../i18n.ts';
import { bestPracticesJsonText, securityInsightsYamlText } from '../presenters/repo-files-export.ts';
import { bestPracticesJsonEntries, exportSecurityInsightsRules, securityInsightsDraft } from '../services/automation/export.ts';
import type { RouteContext } from './context.ts';

/**
 * GET /projects/:id/bestpractices.json and /projects/:id/security-insights.yml: the project's
 * answers as files to commit to its repository (docs/automation.md, "Exporting answers").
 * Public like the project JSON: mounted with the session-free routes (no cookie), CDN-cached
 * under the project's surrogate key (purged on every change), CORS-shared (src/http/cors.ts).
 * The JSON has no language; the YAML's comments follow the request's language (the /<locale>
 * prefix or Accept-Language, which the locale middleware adds to Vary).
 */
export function repoFileRoutes(ctx: RouteContext): Router {
  const router = Router();

  const attachment = (res: Response, type: string, filename: string, body: string) => {
    res.type(type).set('Content-Disposition', `attachment; filename="${filename}"`).set('X-Content-Type-Options', 'nosniff').send(body);
  };

  router.get('/projects/:id/bestpractices.json', async (req, res) => {
    const project = await loadProject(ctx, req);
    cdnCacheable(res, ctx.config, [`projects/${project.id}`]);
    const text = bestPracticesJsonText(`${ctx.config.publicUrl}/projects/${project.id}`, bestPracticesJsonEntries(ctx.criteria, project));
    // A leading dot is dropped or replaced by browsers; the page says to commit it as .bestpractices.json.
    attachment(res, 'application/json; charset=utf-8', 'bestpractices.json', text);
  });

  router.get('/projects/:id/security-insights.yml', async (req, res) => {
    const project = await loadProject(ctx, req);
    cdnCacheable(res, ctx.config, [`projects/${project.id}`]);
    // The project's last change, not today: the same answers give the same file.
    const date = project.updatedAt.toISOString().slice(0, 10);
    const draft = securityInsightsDraft(exportSecurityInsightsRules(), project, date);
    const t = res.locals.t as Translate;
    const text = securityInsightsYamlText(t, ctx.criteria, draft, {
      projectName: project.name?.trim() || `#${project.id}`,
      projectUrl: `${ctx.config.publicUrl}/projects/${project.id}`,
      date,
    });
    attachment(res, 'application/yaml; charset=utf-8', 'SECURITY-INSIGHTS.yml', text);
  });

  return router;
}
