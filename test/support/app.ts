import type express from 'express';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { criteria } from '../../src/criteria/index.ts';
import { connectDatabase, type Database } from '../../src/db/client.ts';
import { createI18n } from '../../src/i18n.ts';
import { createLogger, type LogDestination } from '../../src/logger.ts';
import type { ServiceContext as AppContext } from '../../src/services/context.ts';
import { createGithubClient } from '../../src/services/github.ts';
import { createCdnClient } from '../../src/services/cdn.ts';
import { createMailer } from '../../src/services/mail/transport.ts';
import { startOutboxWorker, type OutboxWorker } from '../../src/services/outbox.ts';
import { createTestDatabase } from './database.ts';
import { startSmtpCatcher, type CapturedMail } from './smtp.ts';

export interface TestApp {
  app: express.Express;
  ctx: AppContext;
  db: Database;
  /** Every message the app sent, as received by a real SMTP server on 127.0.0.1. */
  mail: CapturedMail[];
  /** The running drainer; tests that count mail precisely stop it and drain by hand. */
  outbox: OutboxWorker;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** A database the test manages itself (a server it stops and starts); it is not dropped. */
  databaseUrl?: string;
  /** Receives every log line; LOG_LEVEL in env decides how many. */
  logDestination?: LogDestination;
}

/** The real application on its own throwaway database; `now` can be pinned per test. */
export async function buildTestApp(env: Record<string, string> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.databaseUrl ? { url: options.databaseUrl, drop: () => Promise.resolve() } : await createTestDatabase();
  const smtp = await startSmtpCatcher();
  // Test files log in many times within seconds; the throttles get their own test.
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: database.url,
    RATE_LOGIN_IP_LIMIT: '1000',
    RATE_LOGIN_EMAIL_LIMIT: '1000',
    RATE_SIGNUP_IP_LIMIT: '1000',
    RATE_RESET_IP_LIMIT: '1000',
    SMTP_URL: smtp.url,
    ...env,
  });
  const set = criteria();
  const logger = createLogger(config.logLevel, options.logDestination ? { destination: options.logDestination } : {});
  const db = connectDatabase(database.url, {
    max: 4,
    emailKeys: config.emailKeys,
    reportUnreadable: (err) => {
      logger.error('project left out of a list or export: its answers cannot be read', { projectId: err.projectId, error: err.message });
    },
  });
  const ctx: AppContext = {
    config,
    db,
    criteria: set,
    now: () => new Date(),
    logger,
    i18n: await createI18n(set),
    mailer: createMailer(config, logger),
    github: config.github ? createGithubClient(config.github.apiUrl) : null,
    cdn: config.cdn ? createCdnClient(config.cdn) : null,
  };
  // Delivery as in production: queued in the request's transaction, sent by the drainer.
  const outbox = startOutboxWorker(ctx, 25);
  return {
    app: createApp(ctx),
    ctx,
    db,
    mail: smtp.messages,
    outbox,
    async close() {
      await outbox.stop();
      await smtp.close();
      await db.close();
      await database.drop();
    },
  };
}
