import { SORT_FIELDS, type ProjectListFilter, type ProjectListOrder, type UserProjectEntry } from '../domain/list.ts';
import type { ProjectWithOwner } from '../domain/project.ts';
import type { ServiceContext } from './context.ts';
import { IN_PROGRESS } from './scoring/index.ts';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { canonicalUrl } from './urls.ts';
import { addError, fieldErrors, hasErrors, idSchema, isTextValid, parseForm, parseId, type FieldErrors, type FormResult } from './validation.ts';

/**
 * Query parameters of GET /projects(.json|.csv): parsing and validation, no I/O.
 *
 * Unknown names and empty values are dropped by a redirect (as upstream, so bookmarked and
 * form-generated URLs keep working). Invalid values are a 400 rather than upstream's silent
 * redirect: an API client asking for `gteq=abc` should learn that its query is wrong instead of
 * quietly receiving the unfiltered list.
 */
export const LIST_PARAMS = ['status', 'gteq', 'lteq', 'baseline_level', 'baseline_gteq', 'baseline_lteq', 'url', 'pq', 'q', 'ids', 'sort', 'sort_direction', 'page', 'as', 'section', 'user_id'] as const;
export type ListParam = (typeof LIST_PARAMS)[number];

export const PER_PAGE = 20;
export const MAX_TEXT_QUERY = 200;
export const MAX_URL_QUERY = 2048;
export const MAX_IDS = 21;
/** Beyond this page the offset is certainly past the end; no query is run. */
const MAX_QUERIED_PAGE = 100_000_000;
/** tiered_percentage is at most a few hundred; larger bounds are clamped so they fit an int4. */
const PERCENT_CLAMP = 1_000_000;

export type LookupKind = 'badge' | 'entry' | 'edit';

export interface ListQuery {
  filter: ProjectListFilter;
  order: ProjectListOrder;
  page: number;
  as: LookupKind | undefined;
  section: string | undefined;
  /** The recognised, non-empty parameters in request order (for pagination and form values). */
  params: Partial<Record<ListParam, string>>;
  /** Set when as=edit kept parameters that the plain list would drop by redirect. */
  cleanSearch?: string;
}

/** Unknown or empty parameters: answered by a redirect to `search`, the errors name what was dropped. */
export interface ListRedirect {
  ok: false;
  status: 302;
  errors: FieldErrors;
  search: string;
}

export type ListQueryResult = FormResult<ListQuery> | ListRedirect;

const isListParam = (name: string): name is ListParam => (LIST_PARAMS as readonly string[]).includes(name);
const isEmpty = (value: string) => value.trim() === '';
const POSITIVE = /^[1-9][0-9]{0,15}$/;

function searchOf(entries: [string, string][]): string {
  const text = new URLSearchParams(entries).toString();
  return text ? `?${text}` : '';
}

/** "foo-b ar" -> `'foo-b':* & 'ar':*` for to_tsquery('simple', …); quotes and backslashes escaped. */
export function prefixTsquery(pq: string): string {
  return pq
    .trim()
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w !== '')
    .map((w) => `'${w.replace(/['\\]/g, '\\$&')}':*`)
    .join(' & ');
}

/** LIKE pattern "starts with pq" (case-insensitive, %, _ and \ escaped). */
export function prefixLikePattern(pq: string): string {
  return `${pq.trim().toLowerCase().replace(/[\\%_]/g, '\\$&')}%`;
}

/** The values a `url` query matches exactly: its canonical form and the raw value minus one trailing space and slash. */
export function urlCandidates(raw: string): string[] {
  const candidates = new Set<string>();
  const canonical = canonicalUrl(raw);
  if (canonical.ok) candidates.add(canonical.url);
  candidates.add(raw.replace(/ $/, '').replace(/\/$/, ''));
  return [...candidates];
}

function parseIds(raw: string): number[] | null {
  const parts = raw.split(',');
  if (parts.length > MAX_IDS) return null;
  const ids: number[] = [];
  for (const part of parts) {
    const id = parseId(part);
    if (id === null) return null;
    ids.push(id);
  }
  return ids;
}

const positive = z.string().regex(POSITIVE).transform(Number);
const percentBound = positive.transform((n) => Math.min(n, PERCENT_CLAMP));
const searchText = (max: number) => z.string().max(max, { message: 'errors.too_long', abort: true }).refine(isTextValid, 'errors.control_characters');

/** Badge levels of the OSPS Baseline series in rank order (the `baseline_level` values). */
export const BASELINE_LEVELS = [IN_PROGRESS, 'baseline-1', 'baseline-2', 'baseline-3'] as const;

/** Every value is one string; what each parameter accepts is listed in docs/api.md. */
const listQuerySchema = z
  .strictObject({
    status: z.enum([IN_PROGRESS, 'passing']).optional(),
    gteq: percentBound.optional(),
    lteq: percentBound.optional(),
    // The OSPS Baseline series: an exact badge level, and bounds on its tiered percentage.
    baseline_level: z.enum(BASELINE_LEVELS).optional(),
    baseline_gteq: percentBound.optional(),
    baseline_lteq: percentBound.optional(),
    url: searchText(MAX_URL_QUERY).optional(),
    pq: searchText(MAX_TEXT_QUERY).optional(),
    q: searchText(MAX_TEXT_QUERY).optional(),
    ids: z
      .string()
      .transform((raw, ctx) => parseIds(raw) ?? (ctx.addIssue({ code: 'custom', message: 'errors.invalid', input: raw }), z.NEVER))
      .optional(),
    sort: z.enum(SORT_FIELDS).default('created_at'),
    sort_direction: z.enum(['asc', 'desc']).default('asc'),
    page: positive.default(1),
    as: z.enum(['badge', 'entry', 'edit']).optional(),
    // Any text: a section that is not a level key falls back to the first level.
    section: z.string().optional(),
    // Whose entries: owners are public on every project page, so this needs no login.
    user_id: idSchema.optional(),
  })
  .transform((p) => {
    const filter: ProjectListFilter = {};
    const mins: number[] = [];
    const maxs: number[] = [];
    if (p.status === IN_PROGRESS) maxs.push(99);
    if (p.status === 'passing') mins.push(100);
    if (p.gteq !== undefined) mins.push(p.gteq);
    if (p.lteq !== undefined) maxs.push(p.lteq);
    if (mins.length) filter.minTiered = Math.max(...mins);
    if (maxs.length) filter.maxTiered = Math.min(...maxs);
    const baselineMins: number[] = [];
    const baselineMaxs: number[] = [];
    if (p.baseline_level !== undefined) {
      // A level is a band of the tiered percentage: in progress below 100, level n from n × 100
      // (the baseline badge level rule, docs/criteria.md); the top level has no upper bound.
      const rank = BASELINE_LEVELS.indexOf(p.baseline_level);
      if (rank > 0) baselineMins.push(rank * 100);
      if (rank < BASELINE_LEVELS.length - 1) baselineMaxs.push(rank * 100 + 99);
    }
    if (p.baseline_gteq !== undefined) baselineMins.push(p.baseline_gteq);
    if (p.baseline_lteq !== undefined) baselineMaxs.push(p.baseline_lteq);
    if (baselineMins.length) filter.minBaselineTiered = Math.max(...baselineMins);
    if (baselineMaxs.length) filter.maxBaselineTiered = Math.min(...baselineMaxs);
    if (p.url !== undefined) filter.urls = urlCandidates(p.url);
    if (p.pq !== undefined) filter.prefix = { tsquery: prefixTsquery(p.pq), likePattern: prefixLikePattern(p.pq) };
    if (p.q !== undefined) filter.text = p.q;
    if (p.ids !== undefined) filter.ids = p.ids;
    if (p.user_id !== undefined) filter.ownerId = p.user_id;
    const order: ProjectListOrder = { field: p.sort, direction: p.sort_direction };
    return { filter, order, page: p.page, as: p.as, section: p.section };
  });

/**
 * Parses the raw query string (everything after "?"). `levelKeys` are the valid `section`
 * values for as=edit.
 */
export function parseListQuery(rawSearch: string, levelKeys: readonly string[]): ListQueryResult {
  const entries = [...new URLSearchParams(rawSearch)];
  const errors = fieldErrors();
  const dropped = fieldErrors();
  const params: Partial<Record<ListParam, string>> = {};
  const given: Partial<Record<ListParam, number>> = {};
  const kept: [string, string][] = [];
  const asEdit = entries.some(([k, v]) => k === 'as' && v === 'edit');
  for (const [name, value] of entries) {
    if (!isListParam(name) || isEmpty(value)) {
      addError(dropped, name, isListParam(name) ? 'errors.required' : 'errors.unknown_field', { field: name });
      continue;
    }
    given[name] = (given[name] ?? 0) + 1;
    // A repeated parameter is refused, naming how often it came; the last value is still checked.
    if (given[name] === 2) addError(errors, name, 'errors.invalid', { given: 2 });
    params[name] = value;
    kept.push([name, value]);
  }
  const droppedAny = hasErrors(dropped);
  // With as=edit the other parameters are proposals for the edit form, so they are not dropped.
  if (droppedAny && !asEdit) return { ok: false, status: 302, errors: dropped, search: searchOf(kept) };
  const parsed = parseForm(listQuerySchema, params, { status: 400, errors });
  if (!parsed.ok) return parsed;
  const section = parsed.value.section !== undefined && levelKeys.includes(parsed.value.section) ? parsed.value.section : undefined;
  const query: ListQuery = { ...parsed.value, section, params };
  if (droppedAny) query.cleanSearch = searchOf(kept);
  return { ok: true, value: query };
}

/** Offset for the page, or null when the page is certainly past the end. */
export function pageOffset(page: number): number | null {
  return page > MAX_QUERIED_PAGE ? null : (page - 1) * PER_PAGE;
}

/** Query string for the edit form after an as=edit lookup: the lookup's own parameters removed. */
export function editRedirectSearch(rawSearch: string): string {
  const consumed = new Set(['as', 'url', 'section', 'pq', 'q']);
  return searchOf([...new URLSearchParams(rawSearch)].filter(([k]) => !consumed.has(k)));
}

/** One page of live projects matching the query, in its order (nothing is read past the last page). */
export async function projectPage(ctx: ServiceContext, query: Pick<ListQuery, 'filter' | 'order' | 'page'>): Promise<ProjectWithOwner[]> {
  const offset = pageOffset(query.page);
  return offset === null ? [] : ctx.db.list.page(query.filter, query.order, PER_PAGE, offset);
}

/** Counts at least this large are kept for COUNT_TTL_MS; smaller ones are cheap and always exact. */
export const COUNT_CACHE_MIN = 10_000;
export const COUNT_TTL_MS = 60_000;

const countCaches = new WeakMap<ServiceContext['db'], LRUCache<string, number>>();

/**
 * The list page's "N projects". Counting a filter that matches most of 100,000 rows reads them
 * all (tens of ms) on every page view, so large totals are remembered for a minute per filter, as
 * upstream caches its unfiltered count. A total that is a minute old is off by the few entries
 * created or deleted since, which nobody can tell from a number in the tens of thousands.
 */
export async function projectCount(ctx: ServiceContext, filter: ProjectListFilter): Promise<number> {
  let cache = countCaches.get(ctx.db);
  if (!cache) {
    cache = new LRUCache<string, number>({ max: 500, ttl: COUNT_TTL_MS });
    countCaches.set(ctx.db, cache);
  }
  const key = JSON.stringify(filter);
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const count = await ctx.db.list.count(filter);
  if (count >= COUNT_CACHE_MIN) cache.set(key, count);
  return count;
}

/** Ids of at most two matching projects: enough for a lookup to tell "one" from "ambiguous". */
export function lookupProjectIds(ctx: ServiceContext, filter: ProjectListFilter): Promise<number[]> {
  return ctx.db.list.matchingIds(filter, 2);
}

/** Most entries the "my projects" page shows; the owned ones are all reachable through the list's user_id. */
export const MY_PROJECTS_MAX = 200;

export interface UserProjects {
  entries: UserProjectEntry[];
  /** True when the user has more projects than `limit`. */
  more: boolean;
}

/** The live projects a user owns or collaborates on (owned first), at most `limit` of them. */
export async function userProjects(ctx: ServiceContext, userId: number, limit: number): Promise<UserProjects> {
  const capped = Math.min(Math.max(limit, 1), MY_PROJECTS_MAX);
  const rows = await ctx.db.list.userProjects(userId, capped + 1);
  return { entries: rows.slice(0, capped), more: rows.length > capped };
}
