import type { PrismaClient } from './generated/client.ts';

type Client = Pick<PrismaClient, '$queryRaw' | '$executeRaw'>;

export interface RateLimitCount {
  hits: number;
  resetAt: Date;
}

/**
 * Fixed-window hit counters shared by every app instance. The database clock decides when a
 * window ends, so instances with drifting clocks still agree on one window per key.
 */
export interface RateLimitsRepo {
  /** Counts one hit; the first hit after the window has ended starts a new window of windowMs. */
  hit(key: string, windowMs: number): Promise<RateLimitCount>;
  /** Takes back one hit of the current window (never below zero). */
  undo(key: string): Promise<void>;
  reset(key: string): Promise<void>;
  /** The current window's count, or null when the key has no live window. */
  get(key: string): Promise<RateLimitCount | null>;
  /** Deletes counters whose window has ended; returns how many. */
  pruneExpired(): Promise<number>;
}

export function createRateLimitsRepo(db: Client): RateLimitsRepo {
  return {
    async hit(key, windowMs) {
      // One statement: concurrent hits on the same key serialise on the row lock, so no hit is lost
      // and a window is never restarted twice.
      const rows = await db.$queryRaw<{ hits: number; reset_at: Date }[]>`
        INSERT INTO rate_limits (key, hits, reset_at)
        VALUES (${key}, 1, now() + make_interval(secs => ${windowMs / 1000}::float8))
        ON CONFLICT (key) DO UPDATE SET
          hits = CASE WHEN rate_limits.reset_at <= now() THEN 1 ELSE rate_limits.hits + 1 END,
          reset_at = CASE WHEN rate_limits.reset_at <= now() THEN EXCLUDED.reset_at ELSE rate_limits.reset_at END
        RETURNING hits, reset_at`;
      const row = rows[0]!;
      return { hits: row.hits, resetAt: row.reset_at };
    },
    async undo(key) {
      await db.$executeRaw`UPDATE rate_limits SET hits = hits - 1 WHERE key = ${key} AND hits > 0 AND reset_at > now()`;
    },
    async reset(key) {
      await db.$executeRaw`DELETE FROM rate_limits WHERE key = ${key}`;
    },
    async get(key) {
      const rows = await db.$queryRaw<{ hits: number; reset_at: Date }[]>`
        SELECT hits, reset_at FROM rate_limits WHERE key = ${key} AND reset_at > now()`;
      const row = rows[0];
      return row ? { hits: row.hits, resetAt: row.reset_at } : null;
    },
    async pruneExpired() {
      return db.$executeRaw`DELETE FROM rate_limits WHERE reset_at < now()`;
    },
  };
}
