import { csrfSync } from 'csrf-sync';
import type { Request } from 'express';

/**
 * Synchroniser-token CSRF protection: the token lives in the server-side session and every
 * state-changing request must echo it (form field `_csrf` or header `x-csrf-token`).
 */
export const { csrfSynchronisedProtection: csrfProtection, generateToken } = csrfSync({
  getTokenFromRequest: (req: Request) => {
    const body: unknown = req.body;
    if (body && typeof body === 'object' && '_csrf' in body && typeof body._csrf === 'string') return body._csrf;
    const header = req.headers['x-csrf-token'];
    return typeof header === 'string' ? header : undefined;
  },
});
