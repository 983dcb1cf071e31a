import { describe, expect, it } from 'vitest';
import type PgBoss from 'pg-boss';
import { startJobs } from '../../src/jobs/index.ts';
import { connectDatabase } from '../../src/db/client.ts';
import type { ServiceContext } from '../../src/services/context.ts';
import { createLogger } from '../../src/logger.ts';
import { createTestDatabase, testEmailKeys } from '../support/database.ts';

const noop = () => Promise.resolve();
const handlers = { maintenance: noop, reminders: noop, stats: noop };

describe('job queue start-up', () => {
  it('several instances starting at once on a fresh database all come up (queue creation is serialised)', async () => {
    for (let round = 0; round < 3; round++) {
      const database = await createTestDatabase();
      const db = connectDatabase(database.url, { max: 2, emailKeys: testEmailKeys });
      const ctx = { db, logger: createLogger('silent') } as unknown as ServiceContext;
      let started: PgBoss[] = [];
      try {
        const results = await Promise.allSettled([startJobs(ctx, database.url, handlers), startJobs(ctx, database.url, handlers), startJobs(ctx, database.url, handlers)]);
        started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
        expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))).toEqual(['ok', 'ok', 'ok']);
        const queues = await db.pool.query<{ name: string }>("SELECT name FROM pgboss.queue WHERE left(name, 8) <> '__pgboss' ORDER BY name");
        expect(queues.rows.map((q) => q.name)).toEqual(['maintenance', 'reminders', 'stats']);
      } finally {
        await Promise.all(started.map((b) => b.stop({ graceful: false, wait: true })));
        await db.close();
        await database.drop();
      }
    }
  });
});
