import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/**
 * The id of the request (or of the job started by a request) whose work is running now. Kept in
 * AsyncLocalStorage so services, repositories and the logger can read it without threading it
 * through every call; work started outside a request has none.
 */
interface RequestContext {
  readonly requestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** The current request id, or undefined outside a request or job run with an id. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

/**
 * Runs `fn` with `requestId` as the current id (for every callback and promise it starts). Job
 * runners call it with the id stored in the job payload so their log lines name the request that
 * queued the work; an unusable id runs `fn` without one.
 */
export function runWithRequestId<T>(requestId: string | undefined, fn: () => T): T {
  if (requestId === undefined || !isSafeRequestId(requestId)) return storage.exit(fn);
  return storage.run({ requestId }, fn);
}

const SAFE_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** A short token of safe characters: anything else from a client is replaced by a generated id. */
export function isSafeRequestId(value: string): boolean {
  return SAFE_ID.test(value);
}

/** A fresh id for a request that brought no usable one. */
export function newRequestId(): string {
  return randomUUID();
}
