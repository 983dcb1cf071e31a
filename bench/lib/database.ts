import { existsSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../../src/config.ts';
import { loadCriteria } from '../../src/criteria/index.ts';
import { deployMigrations } from '../../src/db/migrate.ts';
import { createSeedWriter } from '../../src/db/seed.ts';
import { seedAtScale } from '../../src/services/seed.ts';

/**
 * The benchmarks' database: BENCH_DATABASE_URL, or an embedded PostgreSQL kept under
 * .data/bench/pg between runs (seeding 100k projects takes about a minute, so it is done once).
 */
export interface BenchDatabase {
  url: string;
  stop(): Promise<void>;
}

export async function openBenchDatabase(): Promise<BenchDatabase> {
  const given = process.env.BENCH_DATABASE_URL;
  let url: string;
  let stop = () => Promise.resolve();
  if (given) {
    url = given;
  } else {
    const { startEmbeddedPostgres } = await import('../../src/db/embedded.ts');
    const dataDir = path.resolve('.data/bench/pg');
    const embedded = await startEmbeddedPostgres({ dataDir, persistent: true });
    if (!existsSync(dataDir)) throw new Error(`embedded PostgreSQL did not create ${dataDir}`);
    url = embedded.url;
    stop = () => embedded.stop();
  }
  await deployMigrations(url);
  return { url, stop };
}

/** Seeds until the database holds at least `projects` live projects; returns how many it holds. */
export async function ensureSeeded(url: string, projects: number, log: (line: string) => void): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on('error', () => undefined);
  try {
    const count = async () => Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM projects WHERE deleted_at IS NULL')).rows[0]?.n ?? 0);
    const have = await count();
    if (have >= projects) return have;
    log(`seeding ${projects - have} projects (the database has ${have})`);
    const config = loadConfig({ ...process.env, NODE_ENV: 'production', SESSION_SECRET: 'bench-only-secret-bench-only-secret' });
    await seedAtScale({ criteria: loadCriteria(), config }, createSeedWriter(pool, config.emailKeys), { projects: projects - have });
    return await count();
  } finally {
    await pool.end();
  }
}
