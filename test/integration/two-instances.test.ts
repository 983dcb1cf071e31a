import PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { criteria } from '../../src/criteria/index.ts';
import { connectDatabase, type Database } from '../../src/db/client.ts';
import type { ServiceContext } from '../../src/services/context.ts';
import { createTestDatabase, testEmailKeys } from '../support/database.ts';
import { startFakeCdn } from '../support/fake-cdn.ts';
import { DEFAULT_PASSWORD, createProject, createUser, csrfFrom } from '../support/factories.ts';
import { startServerProcess, type ServerProcess } from '../support/server-process.ts';
import { startSmtpCatcher } from '../support/smtp.ts';

/**
 * Two real server processes on one database, as behind a load balancer: nothing either of them
 * keeps in memory may decide what the other answers.
 */
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let cdn: Awaited<ReturnType<typeof startFakeCdn>>;
let smtp: Awaited<ReturnType<typeof startSmtpCatcher>>;
let db: Database;
let a: ServerProcess;
let b: ServerProcess;

beforeAll(async () => {
  database = await createTestDatabase();
  cdn = await startFakeCdn();
  smtp = await startSmtpCatcher();
  db = connectDatabase(database.url, { max: 2, emailKeys: testEmailKeys });
  const env = {
    DATABASE_URL: database.url,
    SMTP_URL: smtp.url,
    CDN_PURGE_URL: cdn.url,
    CDN_API_TOKEN: 'two-instances-token',
    CDN_PURGE_DELAY_SECONDS: '1',
    OUTBOX_POLL_MS: '100',
    JOBS_ENABLED: 'true',
    RATE_LOGIN_EMAIL_LIMIT: '3',
  };
  [a, b] = await Promise.all([startServerProcess(env), startServerProcess(env)]);
}, 120_000);

afterAll(async () => {
  await Promise.all([a.stop(), b.stop()]);
  await db.close();
  await smtp.close();
  await cdn.close();
  await database.drop();
});

const factoryCtx = () => ({ db, criteria: criteria(), now: () => new Date() }) as unknown as ServiceContext;

/** A tiny cookie jar: the session cookie from A must work on B (sessions live in PostgreSQL). */
class Browser {
  private cookies = new Map<string, string>();
  async fetch(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<{ status: number; text: string; location: string | null; headers: Headers }> {
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: {
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: init.form ? new URLSearchParams(init.form).toString() : undefined,
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    return { status: res.status, text: await res.text(), location: res.headers.get('location'), headers: res.headers };
  }
}

async function until<T>(read: () => T | Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('two instances on one database', () => {
  it('a save on A is visible on B at once (page, JSON, badge), and both purges reach the CDN', async () => {
    const owner = await createUser(factoryCtx());
    const project = await createProject(factoryCtx(), owner, { name: 'Before the save' });
    const browser = new Browser();
    const login = await browser.fetch(`${a.url}/login`);
    expect((await browser.fetch(`${a.url}/login`, { method: 'POST', form: { _csrf: csrfFrom(login.text), email: owner.email!, password: DEFAULT_PASSWORD } })).status).toBe(303);
    // The session made on A is honoured on B.
    const edit = await browser.fetch(`${b.url}/projects/${project.id}/passing/edit`);
    expect(edit.status).toBe(200);
    const saved = await browser.fetch(`${a.url}/projects/${project.id}/passing/edit`, {
      method: 'POST',
      form: { _csrf: csrfFrom(edit.text), lock_version: String(project.lockVersion), name: 'After the save on A' },
    });
    expect(saved.status).toBe(303);

    const json = (await (await fetch(`${b.url}/projects/${project.id}.json`)).json()) as { name: string; lock_version?: number };
    expect(json.name).toBe('After the save on A');
    const page = await (await fetch(`${b.url}/projects/${project.id}/passing`)).text();
    expect(page).toContain('After the save on A');
    const badge = await fetch(`${b.url}/projects/${project.id}/badge.json`);
    expect(badge.status).toBe(200);

    const keys = await until(() => cdn.keys().filter((k) => k === `projects/${project.id}`), (k) => k.length >= 2, 'both purges');
    expect(keys).toHaveLength(2);
    expect(cdn.purges.every((p) => p.token === 'two-instances-token')).toBe(true);
  });

  it('a login throttle filled on A is honoured on B', async () => {
    const user = await createUser(factoryCtx());
    const browser = new Browser();
    const form = csrfFrom((await browser.fetch(`${a.url}/login`)).text);
    for (let i = 0; i < 3; i++) {
      const res = await browser.fetch(`${a.url}/login`, { method: 'POST', form: { _csrf: form, email: user.email!, password: 'wrong password' } });
      expect(res.status).toBe(401);
    }
    const onB = await browser.fetch(`${b.url}/login`, { method: 'POST', form: { _csrf: form, email: user.email!, password: DEFAULT_PASSWORD } });
    expect(onB.status).toBe(429);
  });

  it('a queued job runs once, on one of the two instances, and the schedule is kept once', async () => {
    const boss = new PgBoss({ connectionString: database.url, schema: 'pgboss', supervise: false, schedule: false });
    await boss.start();
    try {
      const id = await boss.send('stats', {});
      expect(id).toBeTruthy();
      await until(async () => (await boss.getJobById('stats', id!))?.state, (s) => s === 'completed', 'the stats job');
      const ran = [a.output(), b.output()].map((o) => o.split('\n').filter((l) => l.includes('daily stats recorded')).length);
      expect(ran.reduce((x, y) => x + y, 0)).toBe(1);
      const schedules = await db.pool.query<{ name: string; n: string }>('SELECT name, count(*) AS n FROM pgboss.schedule GROUP BY name');
      expect(schedules.rows.length).toBeGreaterThan(0);
      expect(schedules.rows.every((r) => r.n === '1')).toBe(true);
    } finally {
      await boss.stop({ graceful: false, wait: true });
    }
  });

  it('a mail queued by a request on one instance is delivered once', async () => {
    const user = await createUser(factoryCtx());
    const browser = new Browser();
    const form = await browser.fetch(`${b.url}/password_resets/new`);
    const res = await browser.fetch(`${b.url}/password_resets`, { method: 'POST', form: { _csrf: csrfFrom(form.text), email: user.email! } });
    expect(res.status).toBeLessThan(400);
    await until(() => smtp.messages.filter((m) => m.to.includes(user.email!.toLowerCase())).length, (n) => n >= 1, 'the reset mail');
    await new Promise((r) => setTimeout(r, 500));
    expect(smtp.messages.filter((m) => m.to.includes(user.email!.toLowerCase()))).toHaveLength(1);
  });
});
