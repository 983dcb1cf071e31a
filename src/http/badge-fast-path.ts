import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { Config } from '../config.ts';
import type { Series } from '../criteria/index.ts';
import type { Logger } from '../logger.ts';
import { isSafeRequestId, newRequestId } from '../request-context.ts';
import { isBadgeStyle, parseBadgeValue, type BadgeStyle } from '../services/badge.ts';
import type { BadgeCache, Rendered } from '../services/badge-cache.ts';
import { REQUEST_ID_HEADER } from './request-log.ts';

/**
 * Badge images and badge JSON answered on the raw Node request, before Express: no router, no
 * session, no body parsing, no locale, no view and no database-backed rate limit. READMEs fetch
 * these on every view, so this path is the site's hottest by far.
 *
 * It answers only what it can answer exactly as the Express routes (src/routes/badges.ts) do:
 * GET and HEAD of `/projects/<id>/badge` and `/projects/<id>/baseline` (each also `.svg` and
 * `.json`) and `/badge_static/<value>` in their canonical spelling, with no query or a valid
 * `style`. Everything else falls through to
 * Express unchanged, which keeps today's answers for unknown and deleted projects (404), bad
 * styles (400), odd spellings (case, percent-encoding, locale prefix, trailing slash), other
 * methods and CORS preflights, and database failures (503).
 *
 * Headers are the ones Express sent for these routes: the security headers (captured once from
 * the same middleware), CORS, the CDN cache headers, X-Request-Id and a weak ETag; a matching
 * If-None-Match gets a 304. Not sent any more: the RateLimit headers of the request-wide limiter,
 * which does not count these requests (see `BadgeThrottle`).
 */

/** The handful of headers every badge response carries besides its own. */
export interface FastPathHeaders {
  /** Security headers as the app's middleware sets them (helmet, Permissions-Policy), in order. */
  security: ReadonlyArray<readonly [string, string]>;
}

export interface BadgeFastPathDeps {
  config: Readonly<Config>;
  cache: BadgeCache;
  logger: Logger;
  headers: FastPathHeaders;
  throttle: BadgeThrottle;
  /** The client address as Express would compute it under TRUST_PROXY. */
  clientAddress(req: IncomingMessage): string;
  /** Text of the 429 answer in the client's language (badges have no locale prefix). */
  throttledMessage: (req: IncomingMessage) => string;
  /** Milliseconds between two access-log summary lines. */
  logIntervalMs?: number;
  now?: () => number;
}

export type FastPath = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/**
 * The badge series by the last path segment: `/projects/<id>/badge` is the metal badge,
 * `/projects/<id>/baseline` the OSPS Baseline badge. One cache serves both (it holds both tiered
 * percentages of a project), so the two share reads, change notices and the surrogate key.
 */
const SERIES_BY_SEGMENT = { badge: 'metal', baseline: 'baseline' } as const satisfies Record<string, Series>;
type Segment = keyof typeof SERIES_BY_SEGMENT;
const PROJECT_BADGE = new RegExp(`^/projects/([1-9][0-9]{0,9})/(${Object.keys(SERIES_BY_SEGMENT).join('|')})(\\.svg|\\.json)?$`);
const STATIC_BADGE = /^\/badge_static\/([a-z0-9-]{1,20})$/;
const MAX_ID = 2 ** 31 - 1;

/** fresh's rule for If-None-Match (no Last-Modified is ever sent here). */
export function matchesEtag(ifNoneMatch: string, etag: string, cacheControl: string | undefined): boolean {
  // A client asking to revalidate end to end gets the full response.
  if (cacheControl !== undefined && /(?:^|,)\s*no-cache\s*(?:,|$)/i.test(cacheControl)) return false;
  if (ifNoneMatch.trim() === '*') return true;
  const bare = etag.startsWith('W/') ? etag.slice(2) : etag;
  for (const raw of ifNoneMatch.split(',')) {
    const tag = raw.trim();
    if (tag === etag || tag === bare || tag === `W/${bare}`) return true;
  }
  return false;
}

/**
 * Per-address token bucket, per instance and in memory. The request-wide limiter writes a row
 * per request to PostgreSQL; on this path that would cost more than the answer itself, and the
 * CDN in front absorbs normal badge load. The allowance is the request-wide one (limit per
 * window, refilled continuously), so one address cannot use a badge URL to hammer an instance.
 */
export interface BadgeThrottle {
  /** Takes one request from the address's bucket; returns 0 when allowed, else seconds to wait. */
  take(key: string, now: number): number;
  readonly size: number;
}

export function createBadgeThrottle(options: { limit: number; windowMs: number; maxKeys?: number }): BadgeThrottle {
  const { limit, windowMs } = options;
  const maxKeys = options.maxKeys ?? 100_000;
  const perMs = limit / windowMs;
  const buckets = new Map<string, { tokens: number; at: number }>();
  let sweptAt = 0;
  // Buckets that have refilled completely carry no information: dropping them bounds memory.
  const sweep = (now: number) => {
    sweptAt = now;
    for (const [key, b] of buckets) if (b.tokens + (now - b.at) * perMs >= limit) buckets.delete(key);
    // Still too many live buckets (a flood from many addresses): forget the oldest ones.
    for (const key of buckets.keys()) {
      if (buckets.size < maxKeys) break;
      buckets.delete(key);
    }
  };
  return {
    take(key, now) {
      if (now - sweptAt > windowMs || buckets.size >= maxKeys) sweep(now);
      const b = buckets.get(key);
      if (!b) {
        buckets.set(key, { tokens: limit - 1, at: now });
        return 0;
      }
      const tokens = Math.min(limit, b.tokens + (now - b.at) * perMs);
      b.at = now;
      if (tokens < 1) {
        b.tokens = tokens;
        return Math.max(1, Math.ceil((1 - tokens) / perMs / 1000));
      }
      b.tokens = tokens - 1;
      return 0;
    },
    get size() {
      return buckets.size;
    },
  };
}

type Kind = 'svg' | 'json';

/**
 * One summary line per interval instead of one line per request: at thousands of badges a
 * second a line each would cost more than the answers. Requests that fall through to Express
 * (errors, odd spellings) keep their own access-log line there.
 */
function accessSummary(logger: Logger, intervalMs: number) {
  let since = 0;
  // Indexed by status: no string is built per request.
  let counts: Record<Kind, number[]> = { svg: [], json: [] };
  return (now: number, status: number, kind: Kind) => {
    if (since === 0) since = now;
    const byStatus = counts[kind];
    byStatus[status] = (byStatus[status] ?? 0) + 1;
    if (now - since >= intervalMs) {
      const named: Record<string, number> = {};
      for (const k of ['svg', 'json'] as const) counts[k].forEach((n, code) => (named[`${k} ${code}`] = n));
      logger.info('badge requests', { route: 'badge fast path', periodMs: now - since, counts: named });
      since = now;
      counts = { svg: [], json: [] };
    }
  };
}

export function createBadgeFastPath(deps: BadgeFastPathDeps): FastPath {
  const { cache, throttle } = deps;
  const now = deps.now ?? Date.now;
  const log = accessSummary(deps.logger, deps.logIntervalMs ?? 60_000);
  const surrogateControl = `max-age=${deps.config.badgeCache.maxAge}, stale-if-error=${deps.config.badgeCache.staleAge}`;
  // Computed once: the security headers with the cross-origin resource policy of public
  // resources, then CORS and the CDN cache headers, in the order Express used to send them.
  const shared: string[] = [];
  for (const [name, value] of deps.headers.security) shared.push(name, name.toLowerCase() === 'cross-origin-resource-policy' ? 'cross-origin' : value);
  shared.push('Cache-Control', 'no-store', 'Access-Control-Allow-Origin', '*', 'Surrogate-Control', surrogateControl);
  const throttledHeaders: string[] = deps.headers.security.flatMap(([name, value]) => [name, value]);
  throttledHeaders.push('Cache-Control', 'private, no-store');
  const typeHeaders: Record<Kind, string[]> = {
    svg: ['Content-Type', 'image/svg+xml; charset=utf-8', 'Content-Disposition', 'inline'],
    json: ['Content-Type', 'application/json; charset=utf-8'],
  };
  // 304s drop Content-Type and Content-Length, as Express does.
  const notModifiedHeaders: Record<Kind, string[]> = { svg: ['Content-Disposition', 'inline'], json: [] };
  // Built per answer: a 429 is rare, and its text follows the client's Accept-Language.
  const throttledBody = (req: IncomingMessage, kind: Kind): Buffer => {
    const message = deps.throttledMessage(req);
    return Buffer.from(kind === 'json' ? JSON.stringify({ error: message, details: null }) : message);
  };

  const requestId = (req: IncomingMessage): string => {
    const incoming = req.headers['x-request-id'];
    return typeof incoming === 'string' && isSafeRequestId(incoming) ? incoming : newRequestId();
  };

  // The whole header list of a 200 per body, built once; only the request id and the surrogate
  // key differ between requests (at these fixed positions).
  const ID_AT = 1;
  const KEY_AT = 2 + shared.length + 1;
  const complete = new WeakMap<Rendered, string[]>();
  const headersFor = (kind: Kind, body: Rendered, notModified: boolean): string[] => {
    if (notModified) return [REQUEST_ID_HEADER, '', ...shared, 'Surrogate-Key', '', ...notModifiedHeaders[kind], 'ETag', body.etag];
    let list = complete.get(body);
    if (!list) {
      list = [REQUEST_ID_HEADER, '', ...shared, 'Surrogate-Key', '', ...typeHeaders[kind], 'Content-Length', body.length, 'ETag', body.etag];
      complete.set(body, list);
    }
    return list.slice();
  };

  const send = (req: IncomingMessage, res: ServerResponse, kind: Kind, surrogateKey: string, body: Rendered, at: number) => {
    const inm = req.headers['if-none-match'];
    const notModified = inm !== undefined && matchesEtag(inm, body.etag, req.headers['cache-control']);
    const headers = headersFor(kind, body, notModified);
    headers[ID_AT] = requestId(req);
    headers[KEY_AT] = surrogateKey;
    const status = notModified ? 304 : 200;
    res.writeHead(status, headers);
    res.end(notModified || req.method === 'HEAD' ? undefined : body.body);
    log(at, status, kind);
  };

  const throttled = (req: IncomingMessage, res: ServerResponse, kind: Kind, retryAfter: number, at: number) => {
    const body = throttledBody(req, kind);
    res.writeHead(429, [
      REQUEST_ID_HEADER, requestId(req), ...throttledHeaders, 'Retry-After', String(retryAfter),
      'Content-Type', kind === 'json' ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8', 'Content-Length', String(body.length),
    ]);
    res.end(req.method === 'HEAD' ? undefined : body);
    log(at, 429, kind);
  };

  /** Answers when the lookup found the project, falls through to Express otherwise. */
  const answer = <T>(req: IncomingMessage, res: ServerResponse, next: () => void, found: T | null | Promise<T | null>, respond: (found: T) => void) => {
    if (found === null) {
      next();
      return;
    }
    if (!(found instanceof Promise)) {
      respond(found);
      return;
    }
    found.then(
      (result) => {
        if (result === null) next();
        else respond(result);
      },
      // A database that does not answer: Express reads again and gives its 503 page.
      () => {
        next();
      },
    );
  };

  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      next();
      return;
    }
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const project = PROJECT_BADGE.exec(path);
    const staticValue = project ? undefined : STATIC_BADGE.exec(path)?.[1];
    if (!project && staticValue === undefined) {
      next();
      return;
    }
    const kind: Kind = project?.[3] === '.json' ? 'json' : 'svg';
    const series = SERIES_BY_SEGMENT[(project?.[2] ?? 'badge') as Segment];
    let style: BadgeStyle = 'flat';
    if (kind === 'svg' && q >= 0) {
      // The same parser as Express's default ("simple") query parser.
      const requested = parseQuery(url.slice(q + 1)).style;
      if (requested !== undefined) {
        // Anything else is a 400 that Express words and formats.
        if (!isBadgeStyle(requested)) {
          next();
          return;
        }
        style = requested;
      }
    }
    const id = project ? Number(project[1]) : 0;
    const value = staticValue === undefined ? null : parseBadgeValue(staticValue);
    if ((project && id > MAX_ID) || (!project && value === null)) {
      next();
      return;
    }
    const at = now();
    const wait = throttle.take(deps.clientAddress(req), at);
    if (wait > 0) {
      throttled(req, res, kind, wait, at);
      return;
    }
    if (value !== null) {
      send(req, res, 'svg', `/badge_percent/${staticValue}`, cache.svg(value, style), at);
      return;
    }
    const key = `projects/${id}`;
    if (kind === 'json') {
      answer(req, res, next, cache.entry(id), (entry) => {
        send(req, res, kind, key, cache.json(entry, series), at);
      });
    } else {
      answer(req, res, next, cache.value(id, series), (badge) => {
        send(req, res, kind, key, cache.svg(badge, style), at);
      });
    }
  };
}

/**
 * The client address under Express's "trust proxy" rule (the proxy-addr algorithm): walk
 * X-Forwarded-For from the nearest hop while `trust` accepts the address in front of it.
 */
export function clientAddressFrom(trust: (address: string, hop: number) => boolean): (req: IncomingMessage) => string {
  return (req) => {
    const socket = req.socket.remoteAddress ?? '';
    const header = req.headers['x-forwarded-for'];
    if (header === undefined || !trust(socket, 0)) return socket;
    const hops = (Array.isArray(header) ? header.join(',') : header).split(',').map((s) => s.trim()).reverse();
    let address = socket;
    for (let i = 0; i < hops.length; i++) {
      if (!trust(address, i)) return address;
      address = hops[i] ?? address;
    }
    return address;
  };
}
