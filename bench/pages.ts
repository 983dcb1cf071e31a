/**
 * Anonymous project page and project JSON with random ids: exact percentiles at concurrency 1
 * (--count, default 200), then throughput at 10 connections.
 *
 *   node --import tsx bench/pages.ts [--count 200] [--seconds 10]
 */
import { load, report, sequential, type Row } from './lib/load.ts';
import { startApp } from './lib/server.ts';
import { isMain, runAlone, type BenchEnv } from './lib/setup.ts';

export async function run(env: BenchEnv): Promise<void> {
  const count = Number(env.flags.get('count') ?? 200);
  const app = await startApp(env.databaseUrl);
  const rows: Row[] = [];
  const pages: [string, () => string][] = [
    ['project page (passing level)', () => `/projects/${env.randomId()}/passing`],
    ['project JSON', () => `/projects/${env.randomId()}.json`],
  ];
  try {
    for (const [name, nextPath] of pages) {
      const times: number[] = [];
      // Random ids per request at concurrency 1: one sequential run per id is too slow, so
      // sample count ids and time each once after a warm-up of the process.
      await sequential(`${app.url}${nextPath()}`, 20);
      let errors = 0;
      let bytes = 0;
      for (let i = 0; i < count; i++) {
        const r = await sequential(`${app.url}${nextPath()}`, 1, 0);
        times.push(r.p50);
        errors += r.errors;
        bytes = r.bytes;
      }
      times.sort((a, b) => a - b);
      const at = (p: number) => times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)]!;
      const busy = await load({ url: app.url, connections: 10, seconds: env.seconds, nextPath });
      rows.push({
        name,
        'p50 ms': at(50), 'p95 ms': at(95), 'p99 ms': at(99), KB: Math.round(bytes / 1024), errors,
        'req/s at 10 conn.': busy.rps, 'p99 ms at 10 conn.': busy.p99, 'errors at 10 conn.': busy.errors + busy.non2xx,
      });
    }
  } finally {
    await app.stop();
  }
  report('pages', rows, { count, projects: env.ids.length });
}

if (isMain(import.meta.url)) runAlone(run);
