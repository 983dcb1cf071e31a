/**
 * Badge SVG with random project ids at 50 connections, in the same run as the two references
 * the targets are ratios of: express.static serving one SVG file and a bare node:http server
 * writing the same bytes, each in its own process like the application. Then the cold path
 * (BADGE_CACHE=off: every badge read from the database).
 *
 *   node --import tsx bench/badge.ts [--seconds 10] [--connections 50] [--only warm|cold]
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { load, report, timedGet, type Row } from './lib/load.ts';
import { freePort, startApp, startProcess, type RunningProcess } from './lib/server.ts';
import { isMain, runAlone, type BenchEnv } from './lib/setup.ts';

async function reference(script: string, svgFile: string): Promise<RunningProcess> {
  const port = await freePort();
  return startProcess(['--import', 'tsx', script], { PORT: String(port), BENCH_SVG_FILE: svgFile, NODE_ENV: 'production' }, /"msg":"listening"/, port);
}

async function measure(name: string, server: RunningProcess, connections: number, seconds: number, nextPath: () => string): Promise<Row> {
  // A short warm-up so JIT and caches are in the same state for every contender.
  await load({ url: server.url, connections, seconds: 2, nextPath });
  const r = await load({ url: server.url, connections, seconds, nextPath });
  return { name, 'req/s': r.rps, 'p50 ms': r.p50, 'p90 ms': r.p90, 'p99 ms': r.p99, 'max ms': r.max, errors: r.errors, non2xx: r.non2xx };
}

export async function run(env: BenchEnv): Promise<void> {
  const connections = Number(env.flags.get('connections') ?? 50);
  const only = env.flags.get('only');
  const rows: Row[] = [];
  const badgePath = () => `/projects/${env.randomId()}/badge`;

  if (only !== 'cold') {
    const app = await startApp(env.databaseUrl);
    let svgFile: string;
    try {
      // The references serve the very bytes the application sends for a real project.
      const sample = await timedGet(`${app.url}/projects/${env.ids[0]!}/badge`);
      if (sample.status !== 200) throw new Error(`badge answered ${sample.status}`);
      const body = await (await fetch(`${app.url}/projects/${env.ids[0]!}/badge`)).arrayBuffer();
      svgFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'bench-svg-')), 'badge.svg');
      writeFileSync(svgFile, Buffer.from(body));
      rows.push(await measure('app badge (random ids)', app, connections, env.seconds, badgePath));
    } finally {
      await app.stop();
    }
    for (const [name, script] of [['express.static (one file)', 'bench/servers/static.ts'], ['bare node:http', 'bench/servers/bare.ts']] as const) {
      const server = await reference(script, svgFile);
      try {
        rows.push(await measure(name, server, connections, env.seconds, () => '/badge.svg'));
      } finally {
        await server.stop();
      }
    }
    const bare = Number(rows.find((r) => r.name === 'bare node:http')?.['req/s']);
    const stat = Number(rows.find((r) => r.name === 'express.static (one file)')?.['req/s']);
    for (const row of rows) {
      row['× bare'] = Math.round((Number(row['req/s']) / bare) * 100) / 100;
      row['× static'] = Math.round((Number(row['req/s']) / stat) * 100) / 100;
    }
  }
  if (only !== 'warm') {
    const cold = await startApp(env.databaseUrl, { BADGE_CACHE: 'off' });
    try {
      rows.push(await measure('app badge, BADGE_CACHE=off (cold path)', cold, connections, env.seconds, badgePath));
    } finally {
      await cold.stop();
    }
    const warm = Number(rows.find((r) => r.name === 'app badge (random ids)')?.['req/s']);
    const coldRow = rows[rows.length - 1]!;
    if (warm) coldRow['× warm'] = Math.round((Number(coldRow['req/s']) / warm) * 100) / 100;
  }
  report('badge', rows, { connections, seconds: env.seconds, projects: env.ids.length });
}

if (isMain(import.meta.url)) runAlone(run);
