import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { criteria } from '../../src/criteria/index.ts';
import { connectDatabase, type Database } from '../../src/db/client.ts';
import { createI18n } from '../../src/i18n.ts';
import { createLogger } from '../../src/logger.ts';
import type { ServiceContext } from '../../src/services/context.ts';
import { createMailer } from '../../src/services/mail/transport.ts';

/**
 * The application in the test process, for the pages the shared e2e server cannot show without
 * being broken for every other spec: the 500 page (a store call that fails unexpectedly), the
 * 503 page (no database behind the app) and the pages of the BADGEAPP_DENY_LOGIN switch. It is
 * the same createApp, views, stylesheet, scripts and security headers (CSP included) as the
 * server process, listening on a free port of 127.0.0.1.
 */
export interface ErrorServer {
  baseURL: string;
  db: Database;
  close(): Promise<void>;
}

export async function startAppInProcess(databaseUrl: string, env: Record<string, string> = {}): Promise<ErrorServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'badgeapp-e2e-inprocess-'));
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: databaseUrl, DATA_DIR: dataDir, ...env });
  const set = criteria();
  const logger = createLogger(config.logLevel);
  const db = connectDatabase(databaseUrl, { max: 2, emailKeys: config.emailKeys, reportUnreadable: () => undefined });
  const ctx: ServiceContext = { config, db, criteria: set, now: () => new Date(), logger, i18n: await createI18n(set), mailer: createMailer(config, logger), github: null, cdn: null };
  const server = http.createServer(createApp(ctx));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${String(port)}`,
    db,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => { resolve(); }));
      await db.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A PostgreSQL address where nothing listens: every request that needs the database gets a 503. */
export async function closedDatabaseUrl(): Promise<string> {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => { resolve(); }));
  return `postgres://postgres:postgres@127.0.0.1:${String(port)}/badgeapp`;
}
