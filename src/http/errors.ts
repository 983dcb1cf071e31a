import type { ErrorRequestHandler, NextFunction, Request, Response } from 'express';
import { redactedError, type Logger } from '../logger.ts';

/** An error whose status and message are safe to show to the client. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export const notFound = (what = 'The requested page'): HttpError => new HttpError(404, 'not_found', `${what} was not found.`);
/**
 * Without a message the page shows the translated generic text; with one, the specific message
 * (a code without a translation falls back to the message on the error page).
 */
export const forbidden = (message?: string): HttpError =>
  message ? new HttpError(403, 'forbidden_detail', message) : new HttpError(403, 'forbidden', 'You are not allowed to do that.');

/** Format comes from the URL suffix (as upstream), or from a JSON request body. */
export function wantsJson(req: Request): boolean {
  return req.path.endsWith('.json') || req.is('application/json') === 'application/json';
}

// Socket failures, and SQLSTATEs for "the server is going away or not accepting connections":
// class 08 (connection exception), 57P01-57P03 (shutdown, crash, starting up), 53300 (too many
// connections).
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'EAI_AGAIN', '57P01', '57P02', '57P03', '53300']);
// Prisma: can't reach server, timeout, operation timeout, server closed the connection, no pool connection.
const PRISMA_UNREACHABLE = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
// What @prisma/adapter-pg reports in meta.driverAdapterError.cause.kind.
const ADAPTER_UNREACHABLE = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
// pg's own errors for a dropped or unusable connection carry no code.
const PG_CONNECTION_MESSAGE = /^(Connection terminated|Client has encountered a connection error|Client was closed and is not queryable|timeout exceeded when trying to connect)/;

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

/**
 * True when err (or an error it wraps) says PostgreSQL cannot be reached or is shutting down,
 * as raised by pg directly (session store, health check), through Prisma's pg adapter, or by
 * pg-boss. Such requests get 503: the instance is fine and recovers when the database returns.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  let current = asRecord(err);
  for (let depth = 0; current && depth < 5; depth++) {
    const code = current.code;
    if (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || code.startsWith('08') || PRISMA_UNREACHABLE.has(code))) return true;
    if (current.name === 'PrismaClientInitializationError') return true;
    if (typeof current.message === 'string' && PG_CONNECTION_MESSAGE.test(current.message)) return true;
    const adapterCause = asRecord(asRecord(asRecord(current.meta)?.driverAdapterError)?.cause);
    if (adapterCause) {
      if (typeof adapterCause.kind === 'string' && ADAPTER_UNREACHABLE.has(adapterCause.kind)) return true;
      const original = adapterCause.originalCode ?? adapterCause.code;
      if (typeof original === 'string' && (UNREACHABLE_CODES.has(original) || original.startsWith('08'))) return true;
    }
    current = asRecord(current.cause);
  }
  return false;
}

function classify(err: unknown): HttpError | null {
  if (err instanceof HttpError) return err;
  if (isDatabaseUnavailable(err)) return new HttpError(503, 'database_unavailable', 'database_unavailable');
  if (typeof err !== 'object' || err === null) return null;
  const e = err as { code?: unknown; status?: unknown; type?: unknown; message?: unknown };
  if (e.code === 'EBADCSRFTOKEN') {
    return new HttpError(403, 'csrf', 'The form has expired or did not come from this site. Reload the page and try again.');
  }
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    // body-parser errors (entity.too.large, entity.parse.failed, parameters.too.many).
    const type = typeof e.type === 'string' ? e.type : 'bad_request';
    return new HttpError(e.status, type.replace(/\./g, '_'), typeof e.message === 'string' ? e.message : 'Bad request');
  }
  return null;
}

export function sendError(req: Request, res: Response, error: HttpError): void {
  if (res.headersSent) return;
  res.status(error.status);
  res.set('Cache-Control', 'private, no-store');
  if (error.status === 503) {
    sendUnavailable(req, res, error);
    return;
  }
  if (wantsJson(req)) {
    res.json({ error: error.message, details: error.details ?? null });
    return;
  }
  // The 404 page is tiny and standalone: it must not echo the URL back.
  res.render(error.status === 404 ? 'errors/not-found' : 'errors/error', { error });
}

/** Seconds a client should wait before retrying while the database is away. */
const RETRY_AFTER_SECONDS = 30;

/** The database is away: a styled page (layout and stylesheet need no database) or JSON. */
function sendUnavailable(req: Request, res: Response, error: HttpError): void {
  res.set('Retry-After', String(RETRY_AFTER_SECONDS));
  const t = res.locals.t as ((key: string) => string) | undefined;
  if (wantsJson(req)) {
    res.json({ error: t ? t(`errors.http.${error.code}`) : error.message, details: error.details ?? null });
    return;
  }
  res.render('errors/unavailable', { error }, (renderError: Error | null, html: string) => {
    // Without a locale (an error before the locale middleware) the page cannot be rendered.
    if (renderError) res.type('text/plain').send(error.code);
    else res.send(html);
  });
}

export function notFoundHandler(req: Request, _res: Response, next: NextFunction): void {
  next(notFound());
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const known = classify(err);
    if (known) {
      if (known.status === 503) logger.warn('database unavailable', { method: req.method, error: redactedError(err) });
      sendError(req, res, known);
      return;
    }
    logger.error('unhandled error', { path: req.path, method: req.method, error: redactedError(err, { stack: true }) });
    sendError(req, res, new HttpError(500, 'internal', 'Something went wrong on our side. Please try again later.'));
  };
}
