import connectPgSimple from 'connect-pg-simple';
import session from 'express-session';
import type { RequestHandler } from 'express';
import type pg from 'pg';
import type { Config } from '../config.ts';

export const SESSION_COOKIE = 'badgeapp_session';
/** Sessions end after 48 hours without a request; each request pushes the expiry back. */
export const SESSION_IDLE_MS = 48 * 60 * 60 * 1000;

export function sessionMiddleware(config: Readonly<Config>, pool: pg.Pool): RequestHandler {
  const PgStore = connectPgSimple(session);
  return session({
    name: SESSION_COOKIE,
    secret: config.sessionSecret,
    store: new PgStore({ pool, tableName: 'session', createTableIfMissing: false, pruneSessionInterval: 15 * 60, ttl: SESSION_IDLE_MS / 1000 }),
    resave: false,
    // No cookie until something is stored, so anonymous readers stay cookie-free (CDN-cacheable).
    saveUninitialized: false,
    rolling: true,
    cookie: { httpOnly: true, sameSite: 'lax', secure: config.isProduction, maxAge: SESSION_IDLE_MS },
  });
}
