/**
 * npm run seed -- --projects 100000 [--users N] [--seed N] [--batch N]
 *
 * Adds realistic projects, owners, history and collaborators to the configured database
 * (DATABASE_URL, or the embedded PostgreSQL under DATA_DIR/pg that `npm start` uses), scored by
 * the real scoring engine, then refreshes the planner's statistics. Progress is a bar on a
 * terminal and a line per tenth otherwise.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.ts';
import { loadCriteria } from '../src/criteria/index.ts';
import { deployMigrations } from '../src/db/migrate.ts';
import { createSeedWriter } from '../src/db/seed.ts';
import { seedAtScale } from '../src/services/seed.ts';
import pg from 'pg';

const { values } = parseArgs({
  options: {
    projects: { type: 'string', default: '1000' },
    users: { type: 'string' },
    seed: { type: 'string' },
    batch: { type: 'string' },
  },
});

function count(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^[0-9]{1,9}$/.test(raw)) {
    process.stderr.write(`--${name} must be a whole number, not ${JSON.stringify(raw)}\n`);
    process.exit(2);
  }
  return Number(raw);
}

function progressPrinter(started: number): (done: number, total: number) => void {
  const tty = process.stdout.isTTY;
  let lastTenth = -1;
  return (done, total) => {
    const share = total === 0 ? 1 : done / total;
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (tty) {
      const width = 30;
      const filled = Math.round(share * width);
      process.stdout.write(`\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}% ${done}/${total} ${seconds} s`);
      if (done === total) process.stdout.write('\n');
    } else if (Math.floor(share * 10) > lastTenth) {
      lastTenth = Math.floor(share * 10);
      process.stdout.write(`${done}/${total} projects (${seconds} s)\n`);
    }
  };
}

async function main(): Promise<void> {
  // Arguments first: a typo must not wait for a database.
  const options = {
    projects: count('projects', values.projects) ?? 1000,
    users: count('users', values.users),
    seed: count('seed', values.seed),
    batchSize: count('batch', values.batch),
  };
  const config = loadConfig();
  const criteria = loadCriteria();
  let url = config.databaseUrl;
  let stop: (() => Promise<void>) | undefined;
  if (!url) {
    const { startEmbeddedPostgres } = await import('../src/db/embedded.ts');
    const embedded = await startEmbeddedPostgres({ dataDir: path.join(config.dataDir, 'pg') });
    url = embedded.url;
    stop = () => embedded.stop();
  }
  try {
    await deployMigrations(url);
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    pool.on('error', () => undefined);
    try {
      const started = Date.now();
      const result = await seedAtScale({ criteria, config }, createSeedWriter(pool, config.emailKeys), { ...options, onProgress: progressPrinter(started) });
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      process.stdout.write(
        `seeded ${result.projects} projects, ${result.users} users, ${result.changes} history rows, ${result.collaborators} collaborators in ${seconds} s\n` +
          `levels: ${JSON.stringify(result.levels)}\n`,
      );
    } finally {
      await pool.end();
    }
  } finally {
    await stop?.();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`seed failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
