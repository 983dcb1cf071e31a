import pino from 'pino';
import { currentRequestId } from './request-context.ts';

/**
 * Structured logging: one JSON object per line (pino), which every log shipper understands.
 * Lines written while a request (or a job started from one) is running carry its `requestId`.
 * Secrets and email addresses are removed twice: known keys by pino's path redaction, and every
 * string value by a scrubber, because addresses and tokens also hide inside error messages and
 * URLs that callers did not think of.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** Where log lines go; each `write` receives one complete JSON line ending in a newline. */
export interface LogDestination {
  write(line: string): unknown;
}

export interface LoggerOptions {
  /** Every line goes here instead of stdout (debug, info) and stderr (warn, error); tests read it. */
  destination?: LogDestination;
}

const REDACTED = '[redacted]';

/** Field names whose values are never logged, wherever they appear (compared without case, `-` or `_`). */
const SECRET_KEYS = [
  'password',
  'passwordConfirmation',
  'currentPassword',
  'newPassword',
  'token',
  'accessToken',
  'refreshToken',
  'secret',
  'clientSecret',
  'sessionSecret',
  'apiToken',
  'apiKey',
  'cookie',
  'cookies',
  'set-cookie',
  'authorization',
  'proxy-authorization',
  'x-csrf-token',
  '_csrf',
  'csrfToken',
];
const secretKeys = new Set(SECRET_KEYS.map(normalizeKey));

function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, '');
}

// pino's own redaction covers the usual places (top level, one level down, request and response
// headers) without walking the object; the scrubber below catches deeper nesting.
const redactPaths = SECRET_KEYS.flatMap((key) => {
  const access = /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `["${key}"]`;
  const top = access.startsWith('.') ? access.slice(1) : access;
  return [top, `*${access}`, `req.headers${access}`, `res.headers${access}`, `headers${access}`];
});

const EMAIL_LIKE = /(?<![^\s<>"'@/:;,()[\]])[^\s<>"'@/:;,()[\]]+@[^\s<>"'@/:;,()[\]]+\.[^\s<>"'@/:;,()[\]]+/g;
const ENCODED_EMAIL_LIKE = /(?<![^\s<>"'/:;,()[\]&?=])[^\s<>"'/:;,()[\]&?=]+%40[^\s<>"'/:;,()[\]&?=]+\.[^\s<>"'/:;,()[\]&?=]+/gi;
const BEARER = /\b(Bearer|Basic|token)\s+[A-Za-z0-9._~+/=-]{8,}/gi;
// token=…, password=…, _csrf=… in query strings and form bodies that ended up in a message.
const SECRET_PARAM = /\b((?:[\w-]*(?:password|token|secret|csrf|code|key))=)[^&\s"']+/gi;
// Mail-link tokens in paths: /password_resets/<token>, /account_activations/<token>, …
// (16 characters or more: "/password_resets/new" and route patterns like "/:token" stay readable).
const PATH_TOKEN = /(\/(?:password_resets|account_activations|email_changes|unsubscribe)\/)[^/?#\s"':]{16,}/g;

/** Removes addresses and secrets from free text (messages, error texts, URLs). */
export function scrubText(text: string): string {
  return text
    .replace(EMAIL_LIKE, '[address]')
    .replace(ENCODED_EMAIL_LIKE, '[address]')
    .replace(BEARER, `$1 ${REDACTED}`)
    .replace(SECRET_PARAM, `$1${REDACTED}`)
    .replace(PATH_TOKEN, `$1${REDACTED}`);
}

const MAX_DEPTH = 8;

/** A copy of value that is safe to log: secret keys redacted, strings scrubbed, errors flattened. */
function scrub(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Date) return value;
  if (seen.has(value) || depth > MAX_DEPTH) return '[…]';
  seen.add(value);
  if (value instanceof Error) {
    return { type: value.name, message: scrubText(value.message), ...(value.stack ? { stack: scrubText(value.stack) } : {}) };
  }
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1, seen));
  if (Buffer.isBuffer(value)) return `[${String(value.length)} bytes]`;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = secretKeys.has(normalizeKey(key)) ? REDACTED : scrub(item, depth + 1, seen);
  }
  return out;
}

function defaultDestination(): pino.DestinationStream {
  // dedupe: each line goes only to the stream with the highest matching level.
  return pino.multistream(
    [
      { level: 'debug', stream: process.stdout },
      { level: 'warn', stream: process.stderr },
    ],
    { dedupe: true },
  );
}

export function createLogger(level: LogLevel, options: LoggerOptions = {}): Logger {
  const destination: pino.DestinationStream = options.destination
    ? { write: (line: string) => void options.destination?.write(line) }
    : defaultDestination();
  const base = pino(
    {
      level,
      base: undefined,
      messageKey: 'msg',
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: redactPaths, censor: REDACTED },
      mixin: () => {
        const requestId = currentRequestId();
        return requestId === undefined ? {} : { requestId };
      },
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => scrub(object, 0, new WeakSet()) as Record<string, unknown>,
      },
    },
    destination,
  );
  const write =
    (name: Exclude<LogLevel, 'silent'>) =>
    (msg: string, fields: Record<string, unknown> = {}) => {
      base[name](fields, scrubText(msg));
    };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

/**
 * Error text safe for logs: SMTP servers and libraries often quote the recipient's address in
 * their messages, and addresses must never reach the logs.
 */
export function redactedError(err: unknown, options: { stack?: boolean } = {}): string {
  const text = err instanceof Error ? ((options.stack ? err.stack : undefined) ?? err.message) : String(err);
  return scrubText(text).slice(0, options.stack ? 8000 : 500);
}
