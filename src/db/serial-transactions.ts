import type { IsolationLevel, SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, SqlResultSet, Transaction } from '@prisma/driver-adapter-utils';

/**
 * Prisma's query interpreter loads the relations of one `include` concurrently (a Promise.all
 * over the children of a join). Outside a transaction each query takes its own pooled
 * connection; inside an interactive transaction they all reach the transaction's single pg
 * client, which queues them but warns "Calling client.query() when the client is already
 * executing a query is deprecated" (pg 9 drops the queue). Serialising the transaction's
 * statements here runs them exactly as pg's queue would, without relying on it, and also covers
 * a Promise.all written inside `db.transaction(...)`.
 */
export function serialTransactions(factory: SqlDriverAdapterFactory): SqlDriverAdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => serialAdapter(await factory.connect()),
  };
}

function serialAdapter(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const startTransaction = async (isolationLevel?: IsolationLevel): Promise<Transaction> =>
    new SerialTransaction(await adapter.startTransaction(isolationLevel));
  return new Proxy(adapter, {
    get(target, property) {
      if (property === 'startTransaction') return startTransaction;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

class SerialTransaction implements Transaction {
  readonly provider: Transaction['provider'];
  readonly adapterName: string;
  readonly options: Transaction['options'];
  readonly createSavepoint?: (name: string) => Promise<void>;
  readonly rollbackToSavepoint?: (name: string) => Promise<void>;
  readonly releaseSavepoint?: (name: string) => Promise<void>;
  readonly #inner: Transaction;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(inner: Transaction) {
    this.#inner = inner;
    this.provider = inner.provider;
    this.adapterName = inner.adapterName;
    this.options = inner.options;
    // Each savepoint call is one statement on the inner transaction, so it joins the same queue.
    if (inner.createSavepoint) this.createSavepoint = (name) => this.#serial(() => inner.createSavepoint?.(name) ?? Promise.resolve());
    if (inner.rollbackToSavepoint) this.rollbackToSavepoint = (name) => this.#serial(() => inner.rollbackToSavepoint?.(name) ?? Promise.resolve());
    if (inner.releaseSavepoint) this.releaseSavepoint = (name) => this.#serial(() => inner.releaseSavepoint?.(name) ?? Promise.resolve());
  }

  /** Runs fn after everything queued before it has settled, whether it succeeded or not. */
  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(fn, fn);
    this.#tail = run.catch(() => undefined);
    return run;
  }

  queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    return this.#serial(() => this.#inner.queryRaw(query));
  }

  executeRaw(query: SqlQuery): Promise<number> {
    return this.#serial(() => this.#inner.executeRaw(query));
  }

  // Releasing the connection must wait for statements still running on it.
  commit(): Promise<void> {
    return this.#serial(() => this.#inner.commit());
  }

  rollback(): Promise<void> {
    return this.#serial(() => this.#inner.rollback());
  }
}
