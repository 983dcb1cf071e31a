import type { ServiceContext } from './context.ts';

/**
 * Removes expired sessions and ended rate-limit windows. The session store also prunes on a
 * timer in each instance; the daily job makes sure it happens even when no instance stays up.
 */
export async function pruneExpiredState(ctx: Pick<ServiceContext, 'db'>): Promise<{ sessions: number; rateLimits: number }> {
  const sessions = await ctx.db.sessions.pruneExpired();
  const rateLimits = await ctx.db.rateLimits.pruneExpired();
  return { sessions, rateLimits };
}
