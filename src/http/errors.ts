import type { FieldErrors } from '../services/validation.ts';
import { DatabaseUnavailable, InvalidText } from '../domain/errors.ts';
import type { ErrorRequestHandler, NextFunction, Request, Response } from 'express';
import { redactedError, type Logger } from '../logger.ts';

/**
 * An error whose status and message are safe to show to the client. The text shown is the
 * translation of `key` (locales: `errors.*`); `message` is only what logs and a response sent
 * before the locale is known fall back to.
 */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  readonly key: string;

  constructor(status: number, code: string, message: string, details?: unknown, key = `errors.http.${code}`) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.key = key;
  }
}

/** What a 404 is about; each has its sentence in locales (`errors.not_found.<subject>`). */
export type NotFoundSubject = 'page' | 'project' | 'level' | 'user' | 'deleted_project' | 'badge' | 'transfer' | 'github_login';
/** Why a 403 was given; each has its sentence in locales (`errors.forbidden.<reason>`). */
export type ForbiddenReason = 'edit_project' | 'delete_project' | 'history_view' | 'history_export' | 'admin_only' | 'restore_project';

export const notFound = (subject: NotFoundSubject = 'page'): HttpError => new HttpError(404, 'not_found', `not_found: ${subject}`, undefined, `errors.not_found.${subject}`);
export const forbidden = (reason?: ForbiddenReason): HttpError =>
  reason ? new HttpError(403, 'forbidden_detail', `forbidden: ${reason}`, undefined, `errors.forbidden.${reason}`) : new HttpError(403, 'forbidden', 'forbidden');

type Translate = (key: string, values?: Record<string, unknown>) => string;

/** The text shown for an error: its translation once the request's locale is known. */
export function errorText(res: Response, error: HttpError): string {
  const t = res.locals.t as Translate | undefined;
  return t ? t(error.key, { defaultValue: error.message }) : error.message;
}

/** Format comes from the URL suffix (as upstream), or from a JSON request body. */
export function wantsJson(req: Request): boolean {
  return req.path.endsWith('.json') || req.is('application/json') === 'application/json';
}

/**
 * Tells whether an error means the database cannot be reached. The store's errors arrive as
 * DatabaseUnavailable already; the entry layer passes src/db's classifier for the driver errors
 * that reach this handler without passing through src/db (the session store).
 */
export type UnavailableCheck = (err: unknown) => boolean;

function classify(err: unknown, isUnavailable: UnavailableCheck): HttpError | null {
  if (err instanceof HttpError) return err;
  if (err instanceof DatabaseUnavailable || isUnavailable(err)) return new HttpError(503, 'database_unavailable', 'database_unavailable');
  // Text the database cannot hold (NUL, invalid UTF-8) that no validation caught: bad input, not a fault.
  if (err instanceof InvalidText) return new HttpError(422, 'invalid_text', 'invalid_text');
  if (typeof err !== 'object' || err === null) return null;
  const e = err as { code?: unknown; status?: unknown; type?: unknown; message?: unknown };
  if (e.code === 'EBADCSRFTOKEN') {
    return new HttpError(403, 'csrf', 'csrf');
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
    res.json({ error: errorText(res, error), details: error.details ?? null });
    return;
  }
  renderErrorPage(res, 'errors/error', error);
}

/**
 * Every error page uses the normal layout. No hreflang alternates: they carry the request path,
 * and an error page never echoes the address back. An error before the locale middleware has no
 * `t`, so the layout cannot be rendered; the code alone is sent then.
 */
function renderErrorPage(res: Response, view: string, error: HttpError): void {
  if (typeof res.locals.t !== 'function') {
    res.type('text/plain').send(error.code);
    return;
  }
  // The switcher leads to each language's home page for the same reason.
  const languages = ((res.locals.languages ?? []) as { locale: string }[]).map((l) => ({ ...l, href: `/${l.locale}` }));
  res.render(view, { error, message: errorText(res, error), alternates: [], languages });
}

/** Seconds a client should wait before retrying while the database is away. */
const RETRY_AFTER_SECONDS = 30;

/** The database is away: the layout needs no database, so the page looks like any other. */
function sendUnavailable(req: Request, res: Response, error: HttpError): void {
  res.set('Retry-After', String(RETRY_AFTER_SECONDS));
  if (wantsJson(req)) {
    res.json({ error: errorText(res, error), details: error.details ?? null });
    return;
  }
  renderErrorPage(res, 'errors/unavailable', error);
}

export function notFoundHandler(req: Request, _res: Response, next: NextFunction): void {
  next(notFound());
}

export function errorHandler(logger: Logger, isUnavailable: UnavailableCheck = () => false): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const known = classify(err, isUnavailable);
    if (known) {
      if (known.status === 503) logger.warn('database unavailable', { method: req.method, error: redactedError(err) });
      sendError(req, res, known);
      return;
    }
    logger.error('unhandled error', { path: req.path, method: req.method, error: redactedError(err, { stack: true }) });
    sendError(req, res, new HttpError(500, 'internal', 'internal'));
  };
}


/**
 * A form's field errors as the JSON `{error, details}` body: messages translated, the map built
 * without a prototype, so a field named `__proto__` or `constructor` stays an ordinary entry.
 */
export function sendFieldErrors(res: Response, t: Translate, status: number, summaryKey: string, errors: FieldErrors): void {
  const details = Object.fromEntries(Object.entries(errors).map(([field, messages]) => [field, messages.map((m) => t(m.key, m.values ?? {}))]));
  res.status(status).json({ error: t(summaryKey, { count: Object.keys(details).length }), details });
}
