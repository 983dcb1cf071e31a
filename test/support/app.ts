import type express from 'express';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { criteria } from '../../src/criteria/index.ts';
import { connectDatabase, type Database } from '../../src/db/client.ts';
import { createI18n } from '../../src/i18n.ts';
import { createLogger } from '../../src/logger.ts';
import type { AppContext } from '../../src/routes/context.ts';
import { createTestDatabase } from './database.ts';

export interface TestApp {
  app: express.Express;
  ctx: AppContext;
  db: Database;
  close(): Promise<void>;
}

/** The real application on its own throwaway database; `now` can be pinned per test. */
export async function buildTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  // Test files log in many times within seconds; the throttles get their own test.
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: database.url,
    RATE_LOGIN_IP_LIMIT: '1000',
    RATE_LOGIN_EMAIL_LIMIT: '1000',
    RATE_SIGNUP_IP_LIMIT: '1000',
    ...env,
  });
  const db = connectDatabase(database.url, { max: 4 });
  const set = criteria();
  const ctx: AppContext = {
    config,
    db,
    criteria: set,
    now: () => new Date(),
    logger: createLogger(config.logLevel),
    i18n: await createI18n(set),
  };
  return {
    app: createApp(ctx),
    ctx,
    db,
    async close() {
      await db.close();
      await database.drop();
    },
  };
}
