import { DatabaseUnavailable, ForeignKeyViolation, InvalidText, RecordNotFound, SerializationFailure, UniqueViolation } from '../domain/errors.ts';
import { Prisma } from './generated/client.ts';

// PostgreSQL SQLSTATEs, for errors that reach us without a Prisma code (raw queries, the driver).
const SQLSTATE = { unique: '23505', foreignKey: '23503', serialization: '40001', deadlock: '40P01' } as const;
// character_not_in_repertoire (NUL or invalid UTF-8 in a text parameter) and untranslatable_character
// (\u0000 inside JSONB): the input is at fault, whichever query it reached.
const INVALID_TEXT = new Set(['22021', '22P05']);

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

function uniqueFields(meta: Record<string, unknown> | undefined): string[] {
  const target = meta?.target;
  if (Array.isArray(target)) return target.map(String);
  if (typeof target === 'string') return [target];
  // Driver adapters report the constraint under driverAdapterError.cause.constraint.fields.
  const fields = record(record(record(record(meta?.driverAdapterError)?.cause)?.constraint))?.fields;
  return Array.isArray(fields) ? fields.map(String) : [];
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

/**
 * True when err (or an error it wraps) says PostgreSQL cannot be reached or is shutting down,
 * as raised by pg directly (session store, health check), through Prisma's pg adapter, or by
 * pg-boss. Such requests get 503: the instance is fine and recovers when the database returns.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  let current = record(err);
  for (let depth = 0; current && depth < 5; depth++) {
    const code = current.code;
    if (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || code.startsWith('08') || PRISMA_UNREACHABLE.has(code))) return true;
    if (current.name === 'PrismaClientInitializationError') return true;
    if (typeof current.message === 'string' && PG_CONNECTION_MESSAGE.test(current.message)) return true;
    const adapterCause = record(record(record(current.meta)?.driverAdapterError)?.cause);
    if (adapterCause) {
      if (typeof adapterCause.kind === 'string' && ADAPTER_UNREACHABLE.has(adapterCause.kind)) return true;
      const original = adapterCause.originalCode ?? adapterCause.code;
      if (typeof original === 'string' && (UNREACHABLE_CODES.has(original) || original.startsWith('08'))) return true;
    }
    current = record(current.cause);
  }
  return false;
}

/** The SQLSTATE behind err: its own code, a raw query's meta.code, or the pg adapter's cause. */
function sqlStateOf(err: unknown): string | undefined {
  const e = record(err);
  const cause = record(record(record(e?.meta)?.driverAdapterError)?.cause);
  for (const code of [cause?.originalCode, cause?.code, record(e?.meta)?.code, e?.code]) {
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

function fromSqlState(code: unknown, cause: unknown): Error | undefined {
  switch (code) {
    case SQLSTATE.unique:
      return new UniqueViolation([], { cause });
    case SQLSTATE.foreignKey:
      return new ForeignKeyViolation({ cause });
    case SQLSTATE.serialization:
    case SQLSTATE.deadlock:
      return new SerializationFailure({ cause });
    default:
      return undefined;
  }
}

/**
 * The application's own error for a store failure that has a meaning (src/domain/errors.ts), or
 * the error unchanged. The only place that knows Prisma's and PostgreSQL's error codes.
 */
export function toStoreError(err: unknown): unknown {
  if (isDatabaseUnavailable(err)) return new DatabaseUnavailable({ cause: err });
  // Prisma reports these under several codes (P2039 through the adapter, P2010 for raw queries).
  const state = sqlStateOf(err);
  if (state && INVALID_TEXT.has(state)) return new InvalidText({ cause: err });
  if (err instanceof Prisma.PrismaClientKnownRequestError) {
    const meta = record(err.meta);
    switch (err.code) {
      case 'P2002':
        return new UniqueViolation(uniqueFields(meta), { cause: err });
      case 'P2025':
        return new RecordNotFound({ cause: err });
      case 'P2003':
        return new ForeignKeyViolation({ cause: err });
      case 'P2034':
        return new SerializationFailure({ cause: err });
      case 'P2010':
        // A raw query failed; its SQLSTATE is in meta.code.
        return fromSqlState(meta?.code, err) ?? err;
      default:
        return err;
    }
  }
  return fromSqlState(record(err)?.code, err) ?? err;
}

/**
 * The repository with every method's failures passed through toStoreError, so callers of any
 * repository see only the application's errors.
 */
export function withStoreErrors<T extends object>(repo: T): T {
  const rethrow = (err: unknown): never => {
    throw toStoreError(err);
  };
  const wrapped: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(repo)) {
    if (typeof value !== 'function') {
      wrapped[name] = value;
      continue;
    }
    const method = value as (...args: unknown[]) => unknown;
    wrapped[name] = (...args: unknown[]): unknown => {
      try {
        const result = method.apply(repo, args);
        // Prisma's lazy promises run on then(); repositories promise plain Promises anyway.
        return typeof (result as PromiseLike<unknown> | undefined)?.then === 'function'
          ? Promise.resolve(result).catch(rethrow)
          : result;
      } catch (err) {
        return rethrow(err);
      }
    };
  }
  return wrapped as T;
}
