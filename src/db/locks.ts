import type pg from 'pg';

/** Advisory lock keys of the application, one per concern (migrations use Prisma's own key). */
export const LOCKS = { jobQueueSetup: 7_426_002 } as const;

/**
 * Runs fn while holding a session-level advisory lock on a dedicated connection, so work that
 * must not overlap between instances (and is not one transaction) runs one instance at a time.
 */
export async function withAdvisoryLock<T>(pool: pg.Pool, key: number, fn: () => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [key]);
    try {
      return await fn();
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [key]);
    }
  } finally {
    client.release();
  }
}
