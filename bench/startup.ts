/**
 * `npm start` to listening on the seeded 100k database, warm (run --runs times, default 3):
 * the embedded PostgreSQL under .data/bench/pg starts, migrations are checked, jobs start, and
 * the server listens. Also the server process alone (node --import tsx src/server.ts), without
 * npm's prestart step (prisma generate).
 *
 *   node --import tsx bench/startup.ts [--runs 3]
 */
import { ensureSeeded, openBenchDatabase } from './lib/database.ts';
import { flags, report, type Row } from './lib/load.ts';
import { benchKeysEnv, freePort, startProcess } from './lib/server.ts';
import { isMain } from './lib/setup.ts';

export async function runStartup(argv = process.argv.slice(2)): Promise<void> {
  const f = flags(argv);
  const runs = Number(f.get('runs') ?? 3);
  // Seeded first, then stopped: the measured start opens the data directory itself.
  const db = await openBenchDatabase();
  const projects = await ensureSeeded(db.url, Number(f.get('projects') ?? 100_000), (line) => process.stdout.write(`${line}\n`));
  await db.stop();
  const rows: Row[] = [];
  for (const [name, command, args] of [
    ['npm start', 'npm', ['start']],
    ['node --import tsx src/server.ts', process.execPath, ['--import', 'tsx', 'src/server.ts']],
  ] as const) {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const port = await freePort();
      const server = await startProcess([...args], { DATA_DIR: '.data/bench', PORT: String(port), NODE_ENV: 'development', ...benchKeysEnv() }, /"msg":"listening"/, port, command);
      times.push(Math.round(server.startMs));
      await server.stop();
    }
    rows.push({ name, 'runs (ms)': times.join(', '), 'best ms': Math.min(...times), 'worst ms': Math.max(...times) });
  }
  report('startup', rows, { projects, runs });
}

if (isMain(import.meta.url)) {
  runStartup().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
