import http from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';

/** One row of a benchmark's table. */
export interface Row {
  name: string;
  [column: string]: string | number | null;
}

/** What machine and command produced a result: written into every results file. */
export function machine(): Record<string, string | number> {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    command: `node ${process.argv.slice(1).map((a) => path.relative(process.cwd(), a) || a).join(' ')}`,
    at: new Date().toISOString(),
  };
}

/** Throughput under load (autocannon): requests/s and latency percentiles in ms. */
export async function load(options: {
  url: string;
  connections: number;
  seconds: number;
  /** Called for every request: the path to ask for. */
  nextPath: () => string;
}): Promise<{ rps: number; p50: number; p90: number; p97_5: number; p99: number; max: number; errors: number; non2xx: number; requests: number }> {
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    requests: [{ setupRequest: (req) => ({ ...req, path: options.nextPath() }) }],
  });
  return {
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p90: result.latency.p90,
    p97_5: result.latency.p97_5,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    requests: result.requests.total,
  };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** One GET on a kept-alive connection; resolves with status, body size and milliseconds. */
export function timedGet(url: string): Promise<{ status: number; bytes: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
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

/** Exact percentile (nearest rank) of a list of durations. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Sequential requests (concurrency 1) after a warm-up: exact p50/p95/p99 in ms. */
export async function sequential(url: string, count: number, warmup = 10): Promise<{ p50: number; p95: number; p99: number; max: number; bytes: number; errors: number }> {
  for (let i = 0; i < warmup; i++) await timedGet(url);
  const times: number[] = [];
  let errors = 0;
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const r = await timedGet(url);
    if (r.status !== 200) errors++;
    bytes = r.bytes;
    times.push(r.ms);
  }
  const round = (n: number) => Math.round(n * 10) / 10;
  return { p50: round(percentile(times, 50)), p95: round(percentile(times, 95)), p99: round(percentile(times, 99)), max: round(Math.max(...times)), bytes, errors };
}

/** Prints the rows as a table and writes {machine, rows, ...extra} to bench/results/<name>.json. */
export function report(name: string, rows: Row[], extra: Record<string, unknown> = {}): void {
  process.stdout.write(`\n## ${name}\n`);
  console.table(rows);
  const dir = path.resolve('bench/results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${name}.json`), `${JSON.stringify({ benchmark: name, machine: machine(), rows, ...extra }, null, 2)}\n`);
}

/** Command-line flags of the form --name value (or --name for true). */
export function flags(argv = process.argv.slice(2)): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) continue;
    const next = argv[i + 1];
    if (next !== undefined && !next.startsWith('--')) {
      out.set(arg.slice(2), next);
      i++;
    } else {
      out.set(arg.slice(2), 'true');
    }
  }
  return out;
}
