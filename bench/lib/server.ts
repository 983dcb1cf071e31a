import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { loadConfig } from '../../src/config.ts';

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

/**
 * The email keys `npm start` and `npm run seed` use when none are configured, written as the
 * variables production requires: the benchmark database is seeded either way and decrypts under both.
 */
export function benchKeysEnv(): Record<string, string> {
  const keys = loadConfig({ NODE_ENV: 'development' }).emailKeys;
  return {
    EMAIL_ENCRYPTION_KEYS: keys.encryption.map((k) => `${k.id}:${k.key.toString('base64')}`).join(','),
    EMAIL_BLIND_INDEX_KEY: keys.blindIndex.toString('base64'),
  };
}

export interface RunningProcess {
  url: string;
  pid: number;
  /** Milliseconds from spawn to the first line that says it listens. */
  startMs: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Resident set size of a process in MB (Linux /proc). */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  return kb ? Number(kb) / 1024 : NaN;
}

/** Starts `node <args>` and resolves once its output contains `ready` (a regular expression). */
export async function startProcess(args: string[], env: Record<string, string>, ready: RegExp, port: number, command = process.execPath): Promise<RunningProcess> {
  const started = performance.now();
  // Its own process group, so stopping `npm start` also stops the server npm started.
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  let listening = false;
  const startMs = await new Promise<number>((resolve, reject) => {
    const onData = (data: Buffer) => {
      if (listening) return;
      output = (output + data.toString('utf8')).slice(-20_000);
      if (ready.test(output)) {
        listening = true;
        resolve(performance.now() - started);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      if (!listening) reject(new Error(`${args.join(' ')} exited with ${String(code)} before listening:\n${output}`));
    });
  });
  // Keep draining the pipes (the access log) so the server never blocks on a full pipe.
  child.stdout.resume();
  child.stderr.resume();
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    startMs,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          resolve();
          return;
        }
        const signal = (name: NodeJS.Signals) => {
          try {
            process.kill(-child.pid!, name);
          } catch {
            // The group has already gone.
          }
        };
        const force = setTimeout(() => {
          signal('SIGKILL');
        }, 15_000);
        child.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        signal('SIGTERM');
      }),
  };
}

/**
 * The application in production mode on the benchmark database: the built server
 * (`npm run build`, dist/) when present, otherwise the sources through tsx. Rate limits are
 * raised (every request comes from one address) and scheduled jobs are off so that nothing
 * but the load runs.
 */
export async function startApp(databaseUrl: string, extraEnv: Record<string, string> = {}): Promise<RunningProcess> {
  const port = await freePort();
  const built = existsSync('dist/src/server.js') && process.env.BENCH_SOURCE !== '1';
  // BENCH_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", for profiling a benchmark.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
  const args = [...nodeArgs, ...(built ? ['dist/src/server.js'] : ['--import', 'tsx', 'src/server.ts'])];
  return startProcess(
    args,
    {
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      SESSION_SECRET: 'benchmark-only-session-secret-0123456789',
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      RATE_GLOBAL_IP_LIMIT: '1000000000',
      RATE_PAGE_IP_LIMIT: '1000000000',
      JOBS_ENABLED: 'false',
      // The heap limit docs/operations.md recommends: V8 then collects old garbage before the
      // process grows (docs/performance.md, export). BENCH_NODE_OPTIONS='' measures without it.
      NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS ?? '--max-old-space-size=192',
      ...benchKeysEnv(),
      ...extraEnv,
    },
    /"msg":"listening"/,
    port,
  );
}
