import type { PrismaClient } from './generated/client.ts';
import { withStoreErrors } from './errors.ts';

type Client = Pick<PrismaClient, '$executeRaw'>;

/** The "session" table belongs to connect-pg-simple; only its housekeeping lives here. */
export interface SessionsRepo {
  /** Deletes sessions past their expiry; returns how many. */
  pruneExpired(): Promise<number>;
  /**
   * Ends every session logged in as the user except the one with id `keepSid` (the request's
   * own, so a password change does not log out the person making it); returns how many.
   */
  endUserSessions(userId: number, keepSid?: string): Promise<number>;
}

export function createSessionsRepo(db: Client): SessionsRepo {
  return withStoreErrors<SessionsRepo>({
    // "expire" is a timestamp without time zone written by the store in the connection's zone,
    // so comparing with now() converts in that same zone.
    pruneExpired: () => db.$executeRaw`DELETE FROM session WHERE expire < now()`,
    // passport keeps the serialised user (the numeric id) under sess.passport.user; ->> yields
    // its text form whether the store wrote it as a number or a string.
    endUserSessions: (userId, keepSid) =>
      db.$executeRaw`DELETE FROM session WHERE sess -> 'passport' ->> 'user' = ${String(userId)} AND sid <> ${keepSid ?? ''}`,
  });
}
