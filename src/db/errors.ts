import { ForeignKeyViolation, RecordNotFound, SerializationFailure, UniqueViolation } from '../domain/errors.ts';
import { Prisma } from './generated/client.ts';

// PostgreSQL SQLSTATEs, for errors that reach us without a Prisma code (raw queries, the driver).
const SQLSTATE = { unique: '23505', foreignKey: '23503', serialization: '40001', deadlock: '40P01' } as const;

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
