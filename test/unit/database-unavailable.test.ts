import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../../src/db/errors.ts';

/**
 * The shapes below were recorded from pg 8 and Prisma 7 with @prisma/adapter-pg against an
 * embedded PostgreSQL that was stopped before or during the query.
 */
function socketError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { errno: -111, code, syscall: 'connect', address: '127.0.0.1', port: 5432 });
}

function pgError(code: string, message: string): Error {
  return Object.assign(new Error(message), { name: 'error', severity: 'FATAL', code });
}

function prismaError(code: string, cause: Record<string, unknown>): Error {
  return Object.assign(new Error('Invalid `db.user.findUnique()` invocation'), {
    name: 'PrismaClientKnownRequestError',
    code,
    clientVersion: '7.10.0',
    meta: { modelName: 'User', driverAdapterError: { name: 'DriverAdapterError', cause } },
  });
}

describe('isDatabaseUnavailable', () => {
  it.each([
    ['pg: connection refused', socketError('ECONNREFUSED')],
    ['pg: connection reset', socketError('ECONNRESET')],
    ['pg: administrator shutdown during a query', pgError('57P01', 'terminating connection due to administrator command')],
    ['pg: server shutting down', pgError('57P03', 'the database system is shutting down')],
    ['pg: connection exception class 08', pgError('08006', 'connection failure')],
    ['pg: dropped connection', new Error('Connection terminated unexpectedly')],
    ['pg: broken client inside a transaction', new Error('Client has encountered a connection error and is not queryable')],
    ['prisma: server not reachable', prismaError('P1001', { kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 5432 })],
    ['prisma: raw query cut by shutdown', prismaError('P2010', { originalCode: '57P01', kind: 'postgres', code: '57P01', severity: 'FATAL' })],
    ['prisma: query refused while shutting down', prismaError('P2039', { originalCode: '57P03', kind: 'postgres', code: '57P03', severity: 'FATAL' })],
    ['prisma: connection closed', prismaError('P1017', { kind: 'ConnectionClosed' })],
    ['wrapped as a cause', new Error('store failed', { cause: socketError('ECONNREFUSED') })],
  ])('recognises %s', (_label, err) => {
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  it.each([
    ['a unique violation', prismaError('P2002', { kind: 'UniqueConstraintViolation' })],
    ['a syntax error', pgError('42601', 'syntax error at or near "x"')],
    ['a plain error', new Error('boom')],
    ['a string', 'ECONNREFUSED'],
    ['null', null],
  ])('leaves %s alone', (_label, err) => {
    expect(isDatabaseUnavailable(err)).toBe(false);
  });
});
