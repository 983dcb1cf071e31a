import { Router, type NextFunction, type Request, type Response } from 'express';
import { errorText, HttpError, notFound } from '../http/errors.ts';
import { pager } from '../presenters/pagination.ts';
import { projectsCsv } from '../presenters/project-csv.ts';
import { projectJsonText } from '../presenters/project-json.ts';
import { badgeLevelName } from '../services/scoring/index.ts';
import { SORT_FIELDS } from '../domain/list.ts';
import type { ProjectWithOwner } from '../domain/project.ts';
import { BASELINE_LEVELS, editRedirectSearch, MAX_IDS, MAX_TEXT_QUERY, MAX_URL_QUERY, PER_PAGE, parseListQuery, type ListParam, type ListQuery } from '../services/list.ts';
import type { FieldErrors } from '../services/validation.ts';
import type { RouteContext } from './context.ts';

type Format = 'html' | 'json' | 'csv';

const PATHS: Record<Format, string> = { html: '/projects', json: '/projects.json', csv: '/projects.csv' };
const GTEQ_CHOICES = [25, 50, 75, 90, 100, 125, 150, 175, 200, 225, 250, 275, 300];

function rawSearch(req: Request): string {
  const at = req.originalUrl.indexOf('?');
  return at >= 0 ? req.originalUrl.slice(at + 1) : '';
}

/** What each list parameter accepts: the `details` of a refused query, as docs/api.md promises. */
const ACCEPTED: Record<ListParam, string> = {
  status: 'in_progress or passing',
  gteq: 'a positive integer (1 to 16 digits, no leading zero)',
  lteq: 'a positive integer (1 to 16 digits, no leading zero)',
  baseline_level: `one of ${BASELINE_LEVELS.join(', ')}`,
  baseline_gteq: 'a positive integer (1 to 16 digits, no leading zero)',
  baseline_lteq: 'a positive integer (1 to 16 digits, no leading zero)',
  url: `at most ${MAX_URL_QUERY} characters, no control characters`,
  pq: `at most ${MAX_TEXT_QUERY} characters, no control characters`,
  q: `at most ${MAX_TEXT_QUERY} characters, no control characters`,
  ids: `a comma-separated list of at most ${MAX_IDS} project ids`,
  sort: `one of ${SORT_FIELDS.join(', ')}`,
  sort_direction: 'asc or desc',
  page: 'a positive integer',
  as: 'badge, entry or edit',
  section: 'a level key',
  user_id: 'a user id (a positive integer)',
};

/** Field errors of the list query as `{parameter: what is wrong or what is accepted}` for API clients. */
function queryDetails(errors: FieldErrors): Record<string, string> {
  const details: Record<string, string> = {};
  for (const [field, [first]] of Object.entries(errors)) {
    if (first?.values?.given !== undefined) details[field] = 'given more than once';
    else if (first?.key === 'errors.too_long') details[field] = `at most ${String(first.values?.max)} characters`;
    else if (first?.key === 'errors.control_characters') details[field] = 'no control characters';
    else details[field] = ACCEPTED[field as ListParam];
  }
  return details;
}

/** JSON and CSV callers get `{error, details}`; HTML callers the error page (via the error handler). */
function fail(res: Response, format: Format, error: HttpError): void {
  if (format === 'html') throw error;
  res.status(error.status).set('Cache-Control', 'private, no-store').json({ error: errorText(res, error), details: error.details ?? null });
}

/**
 * GET /projects(.json|.csv). Redirect targets are fixed paths plus a re-encoded query, never
 * anything taken from the request path or Host, so they cannot point off-site.
 */
async function handleList(ctx: RouteContext, req: Request, res: Response, format: Format): Promise<void> {
  const path = PATHS[format];
  const search = rawSearch(req);
  const parsed = parseListQuery(search, ctx.criteria.levels.map((l) => l.key));
  if (!parsed.ok) {
    if ('search' in parsed) res.redirect(302, path + parsed.search);
    else fail(res, format, new HttpError(parsed.status, 'invalid_list_query', 'invalid_list_query', queryDetails(parsed.errors)));
    return;
  }
  const query = parsed.value;
  if (query.as) {
    const ids = await ctx.services.lookupProjectIds(query.filter);
    const [id] = ids;
    if (query.as === 'badge') {
      if (id === undefined) {
        fail(res, format, notFound('project'));
      } else if (ids.length > 1) {
        fail(res, format, new HttpError(409, 'list_ambiguous', 'list_ambiguous'));
      } else {
        res.redirect(301, `/projects/${id}/badge${format === 'json' ? '.json' : ''}`);
      }
      return;
    }
    if (ids.length === 1 && id !== undefined) {
      if (query.as === 'entry') {
        res.redirect(301, `/projects/${id}${format === 'json' ? '.json' : ''}`);
        return;
      }
      const level = query.section ?? ctx.criteria.levels[0]!.key;
      res.redirect(302, `/projects/${id}/${level}/edit${editRedirectSearch(search)}`);
      return;
    }
  }
  if (query.cleanSearch !== undefined) {
    res.redirect(302, path + query.cleanSearch);
    return;
  }
  const projects = await ctx.services.projectPage(query);
  if (format === 'json') {
    // Written straight to text (the same bytes as res.json of the presented objects, see
    // projectJsonText): presenting and stringifying a 450-key object per project was a fifth of
    // a list page's CPU.
    res.type('application/json; charset=utf-8').send(`[${projects.map((p) => projectJsonText(ctx.criteria, p)).join(',')}]`);
    return;
  }
  if (format === 'csv') {
    res.type('text/csv; charset=utf-8').attachment('projects.csv').send(projectsCsv(ctx.criteria, projects));
    return;
  }
  const total = await ctx.services.projectCount(query.filter);
  res.render('list/index', listView(ctx, query, projects, total));
}

function listView(ctx: RouteContext, query: ListQuery, projects: readonly ProjectWithOwner[], total: number) {
  const others = Object.fromEntries(Object.entries(query.params).filter(([k]) => k !== 'page'));
  return {
    total,
    params: query.params,
    sortFields: SORT_FIELDS,
    gteqChoices: GTEQ_CHOICES,
    baselineLevels: BASELINE_LEVELS,
    pager: pager('/projects', others, query.page, PER_PAGE, total),
    projects: projects.map((p) => {
      const website = [p.homepageUrl, p.repoUrl].find((u) => u && /^https?:\/\//i.test(u)) ?? null;
      return {
        id: p.id,
        name: p.name,
        description: p.description && p.description.length > 300 ? `${p.description.slice(0, 300)}…` : p.description,
        website,
        tieredPercentage: p.tieredPercentage,
        badgeLevel: badgeLevelName(ctx.criteria, p.tieredPercentage),
      };
    }),
  };
}

const lastAs = (req: Request) => [...new URLSearchParams(rawSearch(req))].filter(([k]) => k === 'as').pop()?.[1];

/** JSON, CSV and the as=badge lookup: no session, so mounted with the public machine routes. */
export function listPublicRoutes(ctx: RouteContext): Router {
  const router = Router();
  router.get('/projects.json', (req, res) => handleList(ctx, req, res, 'json'));
  router.get('/projects.csv', (req, res) => handleList(ctx, req, res, 'csv'));
  // Badge lookups are image requests from READMEs: answered here without touching the session.
  router.get('/projects', async (req: Request, res: Response, next: NextFunction) => {
    if (lastAs(req) !== 'badge') {
      next();
      return;
    }
    await handleList(ctx, req, res, 'html');
  });
  return router;
}

/** The HTML list, with the session locals (navigation shows who is logged in). */
export function listHtmlRoutes(ctx: RouteContext): Router {
  const router = Router();
  router.get('/projects', (req, res) => handleList(ctx, req, res, 'html'));
  return router;
}
