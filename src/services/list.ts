import { SORT_FIELDS, type ProjectListFilter, type ProjectListOrder, type SortField } from '../domain/list.ts';
import type { ProjectWithOwner } from '../domain/project.ts';
import type { ServiceContext } from './context.ts';
import { IN_PROGRESS } from './scoring/index.ts';
import { canonicalUrl } from './urls.ts';
import { parseId } from './validation.ts';

/**
 * Query parameters of GET /projects(.json|.csv): parsing and validation, no I/O.
 *
 * Unknown names and empty values are dropped by a redirect (as upstream, so bookmarked and
 * form-generated URLs keep working). Invalid values are a 400 rather than upstream's silent
 * redirect: an API client asking for `gteq=abc` should learn that its query is wrong instead of
 * quietly receiving the unfiltered list.
 */
export const LIST_PARAMS = ['status', 'gteq', 'lteq', 'url', 'pq', 'q', 'ids', 'sort', 'sort_direction', 'page', 'as', 'section'] as const;
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
}

export type ParsedListQuery =
  | { kind: 'redirect'; search: string }
  | { kind: 'invalid'; details: Record<string, string> }
  /** `cleanSearch`: set when as=edit kept parameters that the plain list would drop by redirect. */
  | { kind: 'ok'; query: ListQuery; cleanSearch?: string };

const isListParam = (name: string): name is ListParam => (LIST_PARAMS as readonly string[]).includes(name);
const isEmpty = (value: string) => value.trim() === '';
const POSITIVE = /^[1-9][0-9]{0,15}$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

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

function validate(params: Partial<Record<ListParam, string>>, details: Record<string, string>, levelKeys: readonly string[]): ListQuery {
  const filter: ProjectListFilter = {};
  const bound = (name: 'gteq' | 'lteq'): number | undefined => {
    const raw = params[name];
    if (raw === undefined) return undefined;
    if (!POSITIVE.test(raw)) {
      details[name] = 'a positive integer (1 to 16 digits, no leading zero)';
      return undefined;
    }
    return Math.min(Number(raw), PERCENT_CLAMP);
  };
  const mins: number[] = [];
  const maxs: number[] = [];
  if (params.status !== undefined) {
    if (params.status === IN_PROGRESS) maxs.push(99);
    else if (params.status === 'passing') mins.push(100);
    else details.status = 'in_progress or passing';
  }
  const gteq = bound('gteq');
  const lteq = bound('lteq');
  if (gteq !== undefined) mins.push(gteq);
  if (lteq !== undefined) maxs.push(lteq);
  if (mins.length) filter.minTiered = Math.max(...mins);
  if (maxs.length) filter.maxTiered = Math.min(...maxs);

  const text = (name: 'q' | 'pq' | 'url', max: number): string | undefined => {
    const raw = params[name];
    if (raw === undefined) return undefined;
    if (raw.length > max) details[name] = `at most ${max} characters`;
    else if (CONTROL.test(raw)) details[name] = 'no control characters';
    else return raw;
    return undefined;
  };
  const url = text('url', MAX_URL_QUERY);
  if (url !== undefined) filter.urls = urlCandidates(url);
  const pq = text('pq', MAX_TEXT_QUERY);
  if (pq !== undefined) filter.prefix = { tsquery: prefixTsquery(pq), likePattern: prefixLikePattern(pq) };
  const q = text('q', MAX_TEXT_QUERY);
  if (q !== undefined) filter.text = q;

  if (params.ids !== undefined) {
    const ids = parseIds(params.ids);
    if (ids) filter.ids = ids;
    else details.ids = `a comma-separated list of at most ${MAX_IDS} project ids`;
  }

  let field: SortField = 'created_at';
  if (params.sort !== undefined) {
    if ((SORT_FIELDS as readonly string[]).includes(params.sort)) field = params.sort as SortField;
    else details.sort = `one of ${SORT_FIELDS.join(', ')}`;
  }
  let direction: 'asc' | 'desc' = 'asc';
  if (params.sort_direction !== undefined) {
    if (params.sort_direction === 'asc' || params.sort_direction === 'desc') direction = params.sort_direction;
    else details.sort_direction = 'asc or desc';
  }
  let page = 1;
  if (params.page !== undefined) {
    if (POSITIVE.test(params.page)) page = Number(params.page);
    else details.page = 'a positive integer';
  }
  let as: LookupKind | undefined;
  if (params.as !== undefined) {
    if (params.as === 'badge' || params.as === 'entry' || params.as === 'edit') as = params.as;
    else details.as = 'badge, entry or edit';
  }
  const section = params.section !== undefined && levelKeys.includes(params.section) ? params.section : undefined;
  return { filter, order: { field, direction }, page, as, section, params };
}

/**
 * Parses the raw query string (everything after "?"). `levelKeys` are the valid `section`
 * values for as=edit.
 */
export function parseListQuery(rawSearch: string, levelKeys: readonly string[]): ParsedListQuery {
  const entries = [...new URLSearchParams(rawSearch)];
  const seen = new Set<string>();
  const details: Record<string, string> = {};
  const params: Partial<Record<ListParam, string>> = {};
  const kept: [string, string][] = [];
  let dropped = false;
  const asEdit = entries.some(([k, v]) => k === 'as' && v === 'edit');
  for (const [name, value] of entries) {
    if (!isListParam(name) || isEmpty(value)) {
      dropped = true;
      continue;
    }
    if (seen.has(name)) details[name] = 'given more than once';
    seen.add(name);
    params[name] = value;
    kept.push([name, value]);
  }
  // With as=edit the other parameters are proposals for the edit form, so they are not dropped.
  if (dropped && !asEdit) return { kind: 'redirect', search: searchOf(kept) };
  const query = validate(params, details, levelKeys);
  if (Object.keys(details).length) return { kind: 'invalid', details };
  return dropped ? { kind: 'ok', query, cleanSearch: searchOf(kept) } : { kind: 'ok', query };
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

export function projectCount(ctx: ServiceContext, filter: ProjectListFilter): Promise<number> {
  return ctx.db.list.count(filter);
}

/** Ids of at most two matching projects: enough for a lookup to tell "one" from "ambiguous". */
export function lookupProjectIds(ctx: ServiceContext, filter: ProjectListFilter): Promise<number[]> {
  return ctx.db.list.matchingIds(filter, 2);
}
