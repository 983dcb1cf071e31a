import type { ServiceContext } from './context.ts';

// Finished outbox rows are kept a week: long enough for the hourly mail limits and for an
// operator asking "was this mail sent?", short enough that the table stays small.
const OUTBOX_KEEP_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Removes expired sessions, ended rate-limit windows and old finished outbox rows. The session
 * store also prunes on a timer in each instance; the daily job makes sure it happens even when
 * no instance stays up.
 */
export async function pruneExpiredState(ctx: Pick<ServiceContext, 'db' | 'now'>): Promise<{ sessions: number; rateLimits: number; outbox: number }> {
  const sessions = await ctx.db.sessions.pruneExpired();
  const rateLimits = await ctx.db.rateLimits.pruneExpired();
  const outbox = await ctx.db.outbox.prune(new Date(ctx.now().getTime() - OUTBOX_KEEP_MS));
  return { sessions, rateLimits, outbox };
}
