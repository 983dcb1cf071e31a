import type { User as DbUser } from '../domain/user.ts';

declare global {
  namespace Express {
    // passport puts the deserialised account on req.user.
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends DbUser {}
  }
}

declare module 'express-session' {
  interface SessionData {
    flash?: { type: 'success' | 'info' | 'warning' | 'danger'; key: string; values?: Record<string, string | number> }[];
    returnTo?: string;
    /** OAuth token of a GitHub login, used only to ask GitHub about push rights. */
    githubToken?: string;
  }
}

export {};
