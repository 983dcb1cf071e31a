/**
 * npm run bench [-- --only badge,list,pages,export,soak,startup] [--seconds 10] [--minutes 10]
 *
 * Every benchmark of docs/performance.md against a production-mode server on the seeded 100k
 * database (seeded on first use, about a minute), one after another. Each prints a table and
 * writes bench/results/<name>.json. These are measurements, not tests: nothing here passes or fails.
 */
import { run as badge } from './badge.ts';
import { run as exportBench } from './export.ts';
import { run as list } from './list.ts';
import { flags } from './lib/load.ts';
import { benchEnv, type BenchEnv } from './lib/setup.ts';
import { run as pages } from './pages.ts';
import { run as soak } from './soak.ts';
import { runStartup } from './startup.ts';

const ALL: [string, (env: BenchEnv) => Promise<void>][] = [['badge', badge], ['list', list], ['pages', pages], ['export', exportBench], ['soak', soak]];

async function main(): Promise<void> {
  const only = flags().get('only')?.split(',');
  const wanted = (name: string) => !only || only.includes(name);
  // First, while no benchmark holds the database: it measures a cold process start.
  if (wanted('startup')) await runStartup();
  const selected = ALL.filter(([name]) => wanted(name));
  if (selected.length === 0) return;
  const env = await benchEnv();
  try {
    for (const [, run] of selected) await run(env);
  } finally {
    await env.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
