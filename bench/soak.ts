/**
 * Mixed soak at 20 connections: 70 % badges, 20 % project pages, 10 % list pages (random ids
 * and pages), for --minutes (default 10), with the server's resident memory every 5 s.
 * Reports RSS at the start, the peak, and the growth over the second half.
 *
 *   node --import tsx bench/soak.ts [--minutes 10] [--connections 20]
 */
import { load, report, type Row } from './lib/load.ts';
import { rssMb, startApp } from './lib/server.ts';
import { isMain, runAlone, type BenchEnv } from './lib/setup.ts';

export async function run(env: BenchEnv): Promise<void> {
  const minutes = Number(env.flags.get('minutes') ?? 10);
  const connections = Number(env.flags.get('connections') ?? 20);
  const app = await startApp(env.databaseUrl);
  const series: { s: number; rssMb: number }[] = [];
  try {
    const started = performance.now();
    const sample = () => {
      series.push({ s: Math.round((performance.now() - started) / 1000), rssMb: Math.round(rssMb(app.pid)) });
    };
    sample();
    const timer = setInterval(sample, 5000);
    const nextPath = () => {
      const roll = Math.random();
      if (roll < 0.7) return `/projects/${env.randomId()}/badge`;
      if (roll < 0.9) return `/projects/${env.randomId()}/passing`;
      return `/projects?page=${1 + Math.floor(Math.random() * 200)}`;
    };
    const r = await load({ url: app.url, connections, seconds: Math.round(minutes * 60), nextPath });
    clearInterval(timer);
    sample();
    const half = series.filter((s) => s.s >= (minutes * 60) / 2);
    const halfStart = half[0]?.rssMb ?? NaN;
    const end = series[series.length - 1]!.rssMb;
    const rows: Row[] = [{
      name: `mixed 70/20/10, ${connections} connections, ${minutes} min`,
      'req/s': r.rps, 'p50 ms': r.p50, 'p99 ms': r.p99, errors: r.errors, non2xx: r.non2xx,
      'RSS start MB': series[0]!.rssMb,
      'RSS peak MB': Math.max(...series.map((s) => s.rssMb)),
      'RSS end MB': end,
      'growth 2nd half %': Math.round(((end - halfStart) / halfStart) * 1000) / 10,
    }];
    report('soak', rows, { minutes, connections, projects: env.ids.length, rssSeries: series });
  } finally {
    await app.stop();
  }
}

if (isMain(import.meta.url)) runAlone(run);
