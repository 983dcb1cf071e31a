import type { RequestHandler } from 'express';
import type pg from 'pg';

/** A health check must answer before the load balancer's own timeout, even if the database hangs. */
const CHECK_TIMEOUT_MS = 2000;

/**
 * GET /healthz for load balancers and container checks: 200 {"status":"ok"} when the database
 * answers a trivial query, 503 {"status":"unavailable"} when it does not (refused, dropped, or no
 * answer within two seconds). Never cached, never a 500: an instance whose database is away is
 * alive but cannot serve, and it recovers on its own when the database returns.
 */
export function healthCheck(pool: pg.Pool): RequestHandler {
  return async (_req, res) => {
    const ok = await databaseAnswers(pool);
    res.set('Cache-Control', 'no-store');
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'unavailable' });
  };
}

async function databaseAnswers(pool: pg.Pool): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => {
      resolve(false);
    }, CHECK_TIMEOUT_MS);
  });
  const query = pool.query('SELECT 1').then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([query, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
