import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';

/**
 * Direct access to the end-to-end server's embedded PostgreSQL, for the one thing no page can
 * do: give a user the admin role. The cluster lives under the data directory the Playwright
 * config created (BADGEAPP_E2E_DATA_DIR); its port is in postmaster.pid (fourth line), and the
 * superuser credentials are those src/db/embedded.ts sets up.
 */
export function databaseUrl(): string {
  const dataDir = process.env.BADGEAPP_E2E_DATA_DIR;
  if (!dataDir) throw new Error('BADGEAPP_E2E_DATA_DIR is not set: run the tests through playwright.config.ts');
  const pid = fs.readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n');
  const port = Number(pid[3]);
  if (!Number.isInteger(port) || port <= 0) throw new Error(`no port in ${dataDir}/pg/postmaster.pid`);
  return `postgres://postgres:postgres@127.0.0.1:${port}/badgeapp`;
}

/** Makes the user with this id an administrator; the app reloads the user on every request. */
export async function makeAdmin(userId: number): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl() });
  await client.connect();
  try {
    const result = await client.query('UPDATE users SET role = $1 WHERE id = $2', ['admin', userId]);
    if (result.rowCount !== 1) throw new Error(`no user ${userId} to make an admin`);
  } finally {
    await client.end();
  }
}
