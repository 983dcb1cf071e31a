import PgBoss from 'pg-boss';
import { isDatabaseUnavailable } from '../db/errors.ts';
import type { ServiceContext } from '../services/context.ts';
import { purgeDeletedProjects } from '../services/deletion.ts';
import { pruneExpiredState } from '../services/housekeeping.ts';
import { purgeUnactivatedUsers, sendReminders } from '../services/notifications.ts';
import { redactedError } from '../logger.ts';
import { recordDailyStats } from '../services/stats.ts';

/**
 * Scheduled work on a PostgreSQL-backed queue (pg-boss): every app instance may run this, but a
 * scheduled job is created once per slot and each job is fetched by one worker only, so mails
 * are not sent twice. Job bodies are plain service functions, tested without the queue.
 */
export const JOBS = {
  maintenance: { cron: '15 3 * * *' },
  reminders: { cron: '45 3 * * *' },
  // Daily project_stats snapshot of the current UTC day (src/services/stats.ts).
  stats: { cron: '30 23 * * *' },
} as const;

export type JobName = keyof typeof JOBS;

export function jobHandlers(ctx: ServiceContext): Record<JobName, () => Promise<unknown>> {
  return {
    maintenance: async () => {
      const users = await purgeUnactivatedUsers(ctx, ctx.config.unactivatedUserDays);
      const projects = await purgeDeletedProjects(ctx);
      ctx.logger.info('maintenance done', { purgedUnactivatedUsers: users, purgedDeletedProjects: projects });
      const pruned = await pruneExpiredState(ctx);
      ctx.logger.info('expired sessions, rate-limit counters and outbox rows pruned', pruned);
    },
    reminders: async () => {
      const sent = await sendReminders(ctx, ctx.config.reminders);
      ctx.logger.info('reminders sent', { sent });
    },
    stats: async () => {
      const data = await recordDailyStats(ctx, ctx.now());
      ctx.logger.info('daily stats recorded', { totalProjects: data.total_projects });
    },
  };
}

export async function startJobs(
  ctx: ServiceContext,
  databaseUrl: string,
  handlers: Record<JobName, () => Promise<unknown>> = jobHandlers(ctx),
): Promise<PgBoss> {
  const boss = new PgBoss({ connectionString: databaseUrl, schema: 'pgboss' });
  boss.on('error', (err) => {
    // The database going away is not the queue's fault, and it reconnects when it returns.
    if (isDatabaseUnavailable(err)) {
      ctx.logger.warn('job queue: database unavailable', { error: redactedError(err) });
      return;
    }
    ctx.logger.error('job queue error', { error: redactedError(err) });
  });
  // pg-boss's queue creation deadlocks when instances starting together run it at once.
  await ctx.db.exclusively('jobQueueSetup', async () => {
    await boss.start();
    for (const [name, job] of Object.entries(JOBS) as [JobName, (typeof JOBS)[JobName]][]) {
      await boss.createQueue(name);
      await boss.schedule(name, job.cron, {}, { tz: 'UTC' });
    }
  });
  for (const name of Object.keys(JOBS) as JobName[]) {
    await boss.work(name, async () => {
      await handlers[name]();
    });
  }
  return boss;
}
