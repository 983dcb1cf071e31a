import type { RequestHandler } from 'express';
import type { Config } from '../config.ts';
import { wantsJson } from './errors.ts';

/** Methods that only read; everything else may change state and is refused while logins are denied. */
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * GET requests that still log someone in: the OAuth provider sends the browser back with a GET,
 * and the callback would create the session and the account.
 */
const LOGIN_GETS = new Set(['/auth/github/callback']);

/**
 * 503, not 403: the refusal says nothing about the visitor's rights, the request would succeed
 * unchanged once the switch is off, and clients and monitors treat 503 as temporary.
 */
const REFUSED_STATUS = 503;

function refused(method: string, path: string): boolean {
  // Logging out only ends a session; during an incident that is what operators want people to do.
  if (method === 'POST' && path === '/logout') return false;
  if (READ_METHODS.has(method)) return LOGIN_GETS.has(path);
  return true;
}

/**
 * BADGEAPP_DENY_LOGIN (used during incidents): reads keep working; logins, sign-ups and every
 * write are refused before any session, CSRF or database work, so a refused request stores
 * nothing. Mounted after the locale middleware (the page is translated) and before the session.
 */
export function denyLogin(config: Pick<Config, 'denyLogin'>): RequestHandler {
  if (!config.denyLogin) return (_req, _res, next) => { next(); };
  return (req, res, next) => {
    if (!refused(req.method, req.path)) {
      // The login and sign-up pages show a notice instead of their forms.
      res.locals.loginDenied = true;
      next();
      return;
    }
    const t = res.locals.t as (key: string) => string;
    res.status(REFUSED_STATUS).set('Cache-Control', 'private, no-store');
    if (wantsJson(req)) {
      res.json({ error: t('deny_login:json_error'), details: null });
      return;
    }
    res.render('deny-login/refused');
  };
}
