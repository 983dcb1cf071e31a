import type { PrismaClient } from './generated/client.ts';

type Client = Pick<PrismaClient, '$executeRaw'>;

/** The "session" table belongs to connect-pg-simple; only its housekeeping lives here. */
export interface SessionsRepo {
  /** Deletes sessions past their expiry; returns how many. */
  pruneExpired(): Promise<number>;
}

export function createSessionsRepo(db: Client): SessionsRepo {
  return {
    // "expire" is a timestamp without time zone written by the store in the connection's zone,
    // so comparing with now() converts in that same zone.
    pruneExpired: () => db.$executeRaw`DELETE FROM session WHERE expire < now()`,
  };
}
