import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/database.ts';
import { csrfFrom } from '../support/factories.ts';
import { freePort } from '../support/server-process.ts';

/**
 * The real server process receives SIGTERM while a request is still arriving: it must stop
 * taking connections, finish that request, and exit 0.
 */
const root = path.resolve(import.meta.dirname, '../..');
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let dataDir: string;
let child: ChildProcess | undefined;
let output = '';

function waitFor(predicate: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const check = () => {
      if (predicate()) resolve();
      else if (Date.now() - started > timeoutMs) reject(new Error(`timed out waiting for ${what}; output:\n${output}`));
      else setTimeout(check, 50);
    };
    check();
  });
}

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      resolve(false);
    });
  });
}

beforeAll(async () => {
  database = await createTestDatabase();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'badgeapp-shutdown-'));
});

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await database.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('SIGTERM', () => {
  it('finishes the request in flight, refuses new connections and exits 0', async () => {
    const port = await freePort();
    const server = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        PORT: String(port),
        DATABASE_URL: database.url,
        DATA_DIR: dataDir,
        JOBS_ENABLED: 'false',
        SEED_DEMO_DATA: 'false',
        LOG_LEVEL: 'info',
        SHUTDOWN_TIMEOUT_MS: '10000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = server;
    server.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    server.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => {
      server.once('exit', (code) => {
        resolve(code);
      });
    });
    await waitFor(() => output.includes('"msg":"listening"'), 'the server to listen');

    // A form with its session cookie and CSRF token, to post slowly afterwards.
    const base = `http://127.0.0.1:${String(port)}`;
    const form = await fetch(`${base}/password_resets/new`);
    expect(form.status).toBe(200);
    const cookie = (form.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const body = new URLSearchParams({ _csrf: csrfFrom(await form.text()), email: 'nobody@example.org' }).toString();

    // Headers and half the body now, the rest after the signal: the request is in flight.
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request(`${base}/password_resets`, {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)), cookie },
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, text });
        });
      });
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setTimeout(() => {
        server.kill('SIGTERM');
        void waitFor(() => output.includes('"msg":"shutting down"'), 'the shutdown to start')
          .then(async () => {
            // The listening socket is closed at once: new connections are refused.
            expect(await connects(port)).toBe(false);
            req.end(body.slice(10));
          })
          .catch(reject);
      }, 300);
    });

    const { status, text } = await response;
    expect(status).toBe(200);
    // The whole page arrived, not a connection cut short.
    expect(text).toMatch(/<\/html>$/);
    expect(await exited).toBe(0);
    expect(output).toContain('"msg":"stopped"');
    // The access line of the request that finished during shutdown.
    expect(output).toMatch(/"method":"POST","route":"\/password_resets","status":200/);
  }, 90_000);
});
