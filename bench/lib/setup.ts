import path from 'node:path';
import pg from 'pg';
import { ensureSeeded, openBenchDatabase } from './database.ts';
import { flags } from './load.ts';

/** What every benchmark gets: the seeded database, the live ids to pick from, and the flags. */
export interface BenchEnv {
  databaseUrl: string;
  ids: number[];
  flags: Map<string, string>;
  /** Seconds per load phase (--seconds, default 10). */
  seconds: number;
  randomId(): number;
  close(): Promise<void>;
}

export async function benchEnv(argv = process.argv.slice(2)): Promise<BenchEnv> {
  const f = flags(argv);
  const projects = Number(f.get('projects') ?? 100_000);
  const db = await openBenchDatabase();
  const have = await ensureSeeded(db.url, projects, (line) => process.stdout.write(`${line}\n`));
  const pool = new pg.Pool({ connectionString: db.url, max: 1 });
  pool.on('error', () => undefined);
  const ids = (await pool.query<{ id: number }>('SELECT id FROM projects WHERE deleted_at IS NULL ORDER BY id')).rows.map((r) => r.id);
  await pool.end();
  process.stdout.write(`benchmark database: ${have} live projects\n`);
  return {
    databaseUrl: db.url,
    ids,
    flags: f,
    seconds: Number(f.get('seconds') ?? 10),
    randomId: () => ids[Math.floor(Math.random() * ids.length)]!,
    close: () => db.stop(),
  };
}

/** Runs a benchmark on its own (`node --import tsx bench/<name>.ts [flags]`). */
export function runAlone(run: (env: BenchEnv) => Promise<void>): void {
  void (async () => {
    const env = await benchEnv();
    try {
      await run(env);
    } finally {
      await env.close();
    }
  })().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}

/** True when the module at `moduleUrl` is the script node was started with. */
export function isMain(moduleUrl: string): boolean {
  const entry = process.argv[1];
  return entry !== undefined && new URL(moduleUrl).pathname === path.resolve(entry);
}
