import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { csrfSync } from 'csrf-sync';
import type { Request, RequestHandler, Response } from 'express';
import type { Config } from '../config.ts';
import { readCookie } from './cookies.ts';

/** Holds the anonymous visitor's CSRF nonce; it is not a session and names nothing stored. */
export const CSRF_COOKIE = 'badgeapp_csrf';
const NONCE = /^[A-Za-z0-9_-]{43}$/;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function tokenFromRequest(req: Request): string | undefined {
  const body: unknown = req.body;
  if (body && typeof body === 'object' && '_csrf' in body && typeof body._csrf === 'string') return body._csrf;
  const header = req.headers['x-csrf-token'];
  return typeof header === 'string' ? header : undefined;
}

export interface Csrf {
  protection: RequestHandler;
  /** The token a form on this page must echo (field `_csrf` or header `x-csrf-token`). */
  generateToken(req: Request, res: Response): string;
}

/**
 * Two forms of the same protection. Logged-in users: synchroniser token in their server-side
 * session (csrf-sync). Anonymous visitors (login, sign-up, reset forms): a signed double-submit
 * token, an HMAC of a random nonce kept in a cookie, so showing them a form stores no session
 * row and the session is only created by the POST that needs one (e.g. a login).
 */
export function createCsrf(config: Readonly<Pick<Config, 'sessionSecret' | 'isProduction'>>): Csrf {
  const sync = csrfSync({ getTokenFromRequest: tokenFromRequest });
  const sign = (nonce: string) => createHmac('sha256', config.sessionSecret).update(`csrf:${nonce}`).digest('base64url');

  const anonymousNonce = (req: Request, res: Response): string => {
    const existing = (res.locals.csrfNonce as string | undefined) ?? readCookie(req, CSRF_COOKIE);
    if (existing !== undefined && NONCE.test(existing)) return existing;
    const nonce = randomBytes(32).toString('base64url');
    res.cookie(CSRF_COOKIE, nonce, { httpOnly: true, sameSite: 'lax', secure: config.isProduction, path: '/' });
    res.locals.csrfNonce = nonce;
    return nonce;
  };

  const anonymousTokenValid = (req: Request): boolean => {
    const nonce = readCookie(req, CSRF_COOKIE);
    const token = tokenFromRequest(req);
    if (nonce === undefined || !NONCE.test(nonce) || token === undefined) return false;
    const expected = Buffer.from(sign(nonce));
    const given = Buffer.from(token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  return {
    generateToken: (req, res) => (req.user ? sync.generateToken(req) : sign(anonymousNonce(req, res))),
    protection: (req, res, next) => {
      if (SAFE_METHODS.has(req.method)) {
        next();
        return;
      }
      // A session that was handed a synchroniser token keeps using it, also after its user was
      // blocked or deleted (the route then answers 401, not a CSRF error).
      if (req.user || req.session.csrfToken !== undefined) {
        sync.csrfSynchronisedProtection(req, res, next);
        return;
      }
      next(anonymousTokenValid(req) ? undefined : sync.invalidCsrfTokenError);
    },
  };
}
