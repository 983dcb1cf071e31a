import type { Request, RequestHandler } from 'express';
import type { Logger } from '../logger.ts';
import { isSafeRequestId, newRequestId, runWithRequestId } from '../request-context.ts';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/**
 * Access log and request id. The id comes from the proxy's X-Request-Id when that is a short
 * safe token (so one id follows the request through every tier), otherwise it is generated; it
 * is sent back, and every log line written while the request runs carries it. One line per
 * request names the route pattern rather than the URL: URLs carry mail-link tokens and query
 * strings with search terms or tokens, patterns do not.
 */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get(REQUEST_ID_HEADER);
    const requestId = incoming !== undefined && isSafeRequestId(incoming) ? incoming : newRequestId();
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const started = process.hrtime.bigint();
    let logged = false;
    const done = () => {
      if (logged) return;
      logged = true;
      const fields = {
        method: req.method,
        route: routeOf(req),
        status: res.statusCode,
        durationMs: Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100,
        // A client that goes away before the response is complete.
        ...(res.writableFinished ? {} : { aborted: true }),
      };
      runWithRequestId(requestId, () => {
        // Health checks arrive every few seconds from every load balancer.
        if (fields.route === '/healthz' && fields.status < 400) logger.debug('request', fields);
        else logger.info('request', fields);
      });
    };
    res.once('finish', done);
    res.once('close', done);
    runWithRequestId(requestId, next);
  };
}

/** Mail-link tokens and similar: long opaque segments, or anything with an address in it. */
const TOKEN_LIKE = /^[A-Za-z0-9_~.=+-]{20,}$/;

/**
 * The matched route pattern ("/projects/:id/:level"), or for requests no route matched (static
 * files, 404s) the path without its query, with token-like segments replaced.
 */
export function routeOf(req: Request): string {
  const route: unknown = req.route;
  const pattern = typeof route === 'object' && route !== null && 'path' in route ? route.path : undefined;
  if (typeof pattern === 'string' || Array.isArray(pattern)) return `${req.baseUrl}${String(pattern)}`;
  const path = req.originalUrl.split(/[?#]/, 1)[0] ?? '/';
  return path
    .split('/')
    .map((segment) => {
      let decoded: string;
      try {
        decoded = decodeURIComponent(segment);
      } catch {
        return ':redacted';
      }
      return decoded.includes('@') || TOKEN_LIKE.test(decoded) ? ':redacted' : segment;
    })
    .join('/')
    .slice(0, 200);
}
