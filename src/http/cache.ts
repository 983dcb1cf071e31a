import type { RequestHandler, Response } from 'express';
import type { Config } from '../config.ts';

/** Default for every response: nothing may be stored by browsers or shared caches. */
export const privateNoStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'private, no-store');
  next();
};

/**
 * Whatever else happens in the request (a rolling session cookie, a CSRF nonce), a response
 * marked for the CDN must not carry Set-Cookie: the CDN would hand that cookie, and with it a
 * session, to everyone who gets the cached copy. Runs at header time, after every other hook.
 */
export const noCookieOnSharedCache: RequestHandler = (_req, res, next) => {
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => Response;
  res.writeHead = ((...args: unknown[]) => {
    if (res.getHeader('Surrogate-Control') !== undefined) res.removeHeader('Set-Cookie');
    return writeHead(...args);
  }) as Response['writeHead'];
  next();
};

/**
 * Badge images and project JSON are cached only by the CDN (Surrogate-* headers, stripped by
 * the CDN before clients see them). Browsers get no-store because GitHub's image proxy ignores
 * weaker directives and would otherwise show stale badges in READMEs.
 */
export function cdnCacheable(res: Response, config: Readonly<Config>, keys: string[]): void {
  res.set('Cache-Control', 'no-store');
  res.set('Surrogate-Control', `max-age=${config.badgeCache.maxAge}, stale-if-error=${config.badgeCache.staleAge}`);
  res.set('Surrogate-Key', keys.join(' '));
}
