/**
 * The project list over the seeded database at concurrency 1 (exact percentiles over --count
 * requests, default 200), then page 1 at 10 connections.
 *
 *   node --import tsx bench/list.ts [--count 200] [--seconds 10]
 */
import { load, report, sequential, type Row } from './lib/load.ts';
import { startApp } from './lib/server.ts';
import { isMain, runAlone, type BenchEnv } from './lib/setup.ts';

export const LIST_QUERIES: [string, string][] = [
  ['page 1', '/projects.json'],
  ['gteq=90', '/projects.json?gteq=90'],
  ['pq=demo', '/projects.json?pq=demo'],
  ['q=parser', '/projects.json?q=parser'],
  ['sort=name', '/projects.json?sort=name'],
  ['sort=name&page=100', '/projects.json?sort=name&page=100'],
  ['sort=tiered_percentage desc', '/projects.json?sort=tiered_percentage&sort_direction=desc'],
  // The known weak spot (docs/performance.md): a one-letter prefix late in the alphabet, sorted by name.
  ['pq=s&sort=name (worst case)', '/projects.json?pq=s&sort=name'],
  ['HTML page 1 (with total)', '/projects'],
  ['HTML q=parser (with total)', '/projects?q=parser'],
];

export async function run(env: BenchEnv): Promise<void> {
  const count = Number(env.flags.get('count') ?? 200);
  const app = await startApp(env.databaseUrl);
  const rows: Row[] = [];
  try {
    for (const [name, path] of LIST_QUERIES) {
      const r = await sequential(`${app.url}${path}`, count);
      rows.push({ name, 'p50 ms': r.p50, 'p95 ms': r.p95, 'p99 ms': r.p99, 'max ms': r.max, 'KB': Math.round(r.bytes / 1024), errors: r.errors });
    }
    const busy = await load({ url: app.url, connections: 10, seconds: env.seconds, nextPath: () => '/projects.json' });
    rows.push({ name: 'page 1 at 10 connections', 'req/s': busy.rps, 'p50 ms': busy.p50, 'p99 ms': busy.p99, 'max ms': busy.max, errors: busy.errors + busy.non2xx });
  } finally {
    await app.stop();
  }
  report('list', rows, { count, projects: env.ids.length });
}

if (isMain(import.meta.url)) runAlone(run);
