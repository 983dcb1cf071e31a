import type { Repositories } from '../db/client.ts';
import type { ServiceContext } from './context.ts';

/**
 * Runs a use-case in one database transaction with a context whose repositories are bound to
 * it, so everything the use-case writes (rows, history, queued mail and purges) commits or rolls
 * back together. Nested calls join the outer transaction.
 */
export function inTransaction<T>(ctx: ServiceContext, fn: (tx: ServiceContext, repos: Repositories) => Promise<T>): Promise<T> {
  return ctx.db.transaction((repos) => {
    const db: ServiceContext['db'] = {
      ...ctx.db,
      ...repos,
      outbox: { ...ctx.db.outbox, enqueue: repos.outbox.enqueue },
      transaction: (inner) => inner(repos),
    };
    return fn({ ...ctx, db }, repos);
  });
}
