/**
 * Full JSON export of every project (GET /projects.json?all=1), read as fast as the client can:
 * time, bytes, and the server's resident memory sampled every 100 ms (growth = peak − before).
 *
 *   node --import tsx bench/export.ts [--format json|csv]
 */
import http from 'node:http';
import { report, type Row } from './lib/load.ts';
import { rssMb, startApp } from './lib/server.ts';
import { isMain, runAlone, type BenchEnv } from './lib/setup.ts';

function download(url: string): Promise<{ status: number; bytes: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
        });
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, bytes, ms: performance.now() - started });
        });
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

export async function run(env: BenchEnv): Promise<void> {
  const formats = (env.flags.get('format') ?? 'json,csv').split(',');
  const rows: Row[] = [];
  const samples: Record<string, { ms: number; rssMb: number }[]> = {};
  for (const format of formats) {
    const app = await startApp(env.databaseUrl);
    try {
      // One small request first, so start-up allocations are not counted as the export's.
      await download(`${app.url}/projects.${format}`);
      const before = rssMb(app.pid);
      const series: { ms: number; rssMb: number }[] = [];
      const started = performance.now();
      const timer = setInterval(() => {
        series.push({ ms: Math.round(performance.now() - started), rssMb: Math.round(rssMb(app.pid)) });
      }, 100);
      const result = await download(`${app.url}/projects.${format}?all=1`);
      clearInterval(timer);
      const peak = Math.max(before, ...series.map((s) => s.rssMb));
      samples[format] = series.filter((_, i) => i % 10 === 0);
      rows.push({
        name: `export ${format} ?all=1`,
        status: result.status,
        's': Math.round(result.ms / 100) / 10,
        MB: Math.round(result.bytes / 2 ** 20),
        'RSS before MB': Math.round(before),
        'RSS peak MB': Math.round(peak),
        'RSS growth MB': Math.round(peak - before),
      });
    } finally {
      await app.stop();
    }
  }
  report('export', rows, { projects: env.ids.length, rssSeries: samples });
}

if (isMain(import.meta.url)) runAlone(run);
