import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createApp } from '../../src/app.ts';
import { connectDatabase, type Database } from '../../src/db/client.ts';
import { jobHandlers } from '../../src/jobs/index.ts';
import type { Logger } from '../../src/logger.ts';
import { pruneExpiredState } from '../../src/services/housekeeping.ts';
import { testEmailKeys } from '../support/database.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { DEFAULT_PASSWORD, createProject, createUser, csrfFrom } from '../support/factories.ts';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp({ RATE_LOGIN_IP_LIMIT: '4', RATE_LOGIN_EMAIL_LIMIT: '2', RATE_SIGNUP_IP_LIMIT: '2' });
});

afterAll(async () => {
  await t.close();
});

async function attemptLogin(email: string, password: string): Promise<request.Response> {
  const agent = request.agent(t.app);
  const form = await agent.get('/login');
  return agent.post('/login').type('form').send({ _csrf: csrfFrom(form.text), email, password });
}

describe('login and sign-up throttles', () => {
  it('answers 429 with a clear page once one account has been tried too often, even with the right password', async () => {
    const user = await createUser(t.ctx);
    expect((await attemptLogin(user.email!, 'wrong-1')).status).toBe(401);
    expect((await attemptLogin(user.email!, 'wrong-2')).status).toBe(401);
    const blocked = await attemptLogin(user.email!, DEFAULT_PASSWORD);
    expect(blocked.status).toBe(429);
    expect(blocked.text).toContain('Too many attempts');
    expect(blocked.headers['ratelimit-policy']).toBeDefined();
  });

  it('limits attempts per client address across accounts', async () => {
    // Three attempts from this address were counted above (the throttled one too); the limit is 4.
    expect((await attemptLogin('a@example.org', 'whatever1')).status).toBe(401);
    expect((await attemptLogin('b@example.org', 'whatever1')).status).toBe(429);
  });

  it('limits sign-ups per client address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const agent = request.agent(t.app);
      const form = await agent.get('/signup');
      const res = await agent
        .post('/users')
        .type('form')
        .send({ _csrf: csrfFrom(form.text), name: `N${i}`, email: `signup${i}@example.org`, password: 'a long enough passphrase', password_confirmation: 'a long enough passphrase' });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([303, 303, 429]);
    expect(await t.db.users.findLocalByEmail('signup2@example.org')).toBeNull();
  });

  it('keeps its counters in the database, login addresses only as digests', async () => {
    const rows = await t.db.pool.query<{ key: string; hits: number }>(`SELECT key, hits FROM rate_limits WHERE key LIKE 'login-%' OR key LIKE 'signup-%'`);
    expect(rows.rows.length).toBeGreaterThanOrEqual(3);
    expect(rows.rows.filter((r) => r.key.startsWith('login-email:')).every((r) => !r.key.includes('@'))).toBe(true);
    expect(rows.rows.find((r) => r.key.startsWith('signup-ip:'))?.hits).toBe(3);
  });
});

/** Requests of the tier tests come through one trusted proxy, so each test picks its own client address. */
let tiers: TestApp;

beforeAll(async () => {
  tiers = await buildTestApp({ TRUST_PROXY: '1', RATE_GLOBAL_IP_LIMIT: '10', RATE_PAGE_IP_LIMIT: '3' });
});

afterAll(async () => {
  await tiers.close();
});

function from(app: express.Express, address: string, path: string): request.Test {
  return request(app).get(path).set('X-Forwarded-For', address);
}

async function counter(db: Database, key: string): Promise<number | null> {
  const rows = await db.pool.query<{ hits: number }>('SELECT hits FROM rate_limits WHERE key = $1', [key]);
  return rows.rows[0]?.hits ?? null;
}

describe('request-wide and page tiers', () => {
  it('share one allowance between two instances on the same database', async () => {
    // A second instance: its own pool and its own limiter objects, only the database in common.
    const otherDb = connectDatabase(tiers.ctx.config.databaseUrl!, { max: 2, emailKeys: tiers.ctx.config.emailKeys });
    try {
      const other = createApp({ ...tiers.ctx, db: otherDb });
      const address = '203.0.113.1';
      expect((await from(tiers.app, address, '/healthz')).status).toBe(200);
      expect((await from(other, address, '/healthz')).status).toBe(200);
      expect((await from(tiers.app, address, '/healthz')).status).toBe(200);
      expect(await counter(tiers.db, `page-ip:${address}`)).toBe(3);
      const blocked = await from(other, address, '/healthz');
      expect(blocked.status).toBe(429);
      expect(blocked.text).toContain('Too many requests from your address');
      expect(blocked.headers['ratelimit-policy']).toBe('3;w=300');
      expect((await from(tiers.app, address, '/healthz')).status).toBe(429);
    } finally {
      await otherDb.close();
    }
  });

  it('counts badges in a per-instance allowance of the request-wide size, never in the shared counters or the page tier', async () => {
    const owner = await createUser(tiers.ctx);
    const project = await createProject(tiers.ctx, owner);
    const address = '203.0.113.2';
    for (const path of [`/projects/${project.id}/badge`, `/projects/${project.id}/badge.svg`, `/projects/${project.id}/badge.json`, '/badge_static/passing']) {
      expect((await from(tiers.app, address, path)).status, path).toBe(200);
    }
    // The badge fast path writes nothing to PostgreSQL (src/http/badge-fast-path.ts).
    expect(await counter(tiers.db, `page-ip:${address}`)).toBeNull();
    expect(await counter(tiers.db, `global-ip:${address}`)).toBeNull();
    for (let i = 0; i < 3; i++) expect((await from(tiers.app, address, '/healthz')).status).toBe(200);
    expect((await from(tiers.app, address, '/healthz')).status).toBe(429);
    // Pages used none of the badge allowance (10): 4 badges so far, 6 more pass, the 11th does not.
    for (let i = 0; i < 6; i++) expect((await from(tiers.app, address, `/projects/${project.id}/badge.svg`)).status).toBe(200);
    const blocked = await from(tiers.app, address, `/projects/${project.id}/badge.json`);
    expect(blocked.status).toBe(429);
    expect(blocked.body).toEqual({ error: 'Too many requests from your address. Please wait a few minutes and try again.', details: null });
    expect(blocked.headers['cache-control']).toBe('private, no-store');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // Static files are counted by the request-wide tier only, which runs before the app's view
    // locals exist: the 429 page must still render. 4 page requests so far, 6 more reach the limit.
    for (let i = 0; i < 6; i++) await from(tiers.app, address, '/healthz');
    const page = await from(tiers.app, address, '/css/app.css');
    expect(page.status).toBe(429);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('Too many requests from your address');
    expect(await counter(tiers.db, `global-ip:${address}`)).toBe(11);
  });

  it('answers static files without the page limit', async () => {
    const address = '203.0.113.3';
    const css = (await readdir(path.resolve(import.meta.dirname, '../../public'), { recursive: true })).find((f) => f.endsWith('.css'))!;
    for (let i = 0; i < 5; i++) expect((await from(tiers.app, address, `/${css}`)).status).toBe(200);
    expect(await counter(tiers.db, `page-ip:${address}`)).toBeNull();
    expect(await counter(tiers.db, `global-ip:${address}`)).toBe(5);
  });

  it('starts a new window once the old one has ended', async () => {
    const address = '203.0.113.4';
    for (let i = 0; i < 3; i++) await from(tiers.app, address, '/healthz');
    expect((await from(tiers.app, address, '/healthz')).status).toBe(429);
    await tiers.db.pool.query(`UPDATE rate_limits SET reset_at = now() - interval '1 second' WHERE key = $1`, [`page-ip:${address}`]);
    expect((await from(tiers.app, address, '/healthz')).status).toBe(200);
    expect(await counter(tiers.db, `page-ip:${address}`)).toBe(1);
    const rows = await tiers.db.pool.query<{ left: number }>(`SELECT extract(epoch FROM reset_at - now())::float8 AS left FROM rate_limits WHERE key = $1`, [`page-ip:${address}`]);
    expect(rows.rows[0]!.left).toBeGreaterThan(290);
  });

  it('counts X-Forwarded-For addresses only behind a trusted proxy (TRUST_PROXY)', async () => {
    // Behind TRUST_PROXY=1 the header names the client: two addresses, two counters.
    await from(tiers.app, '198.51.100.1', '/healthz');
    await from(tiers.app, '198.51.100.2', '/healthz');
    expect(await counter(tiers.db, 'page-ip:198.51.100.1')).toBe(1);
    expect(await counter(tiers.db, 'page-ip:198.51.100.2')).toBe(1);
    // Without TRUST_PROXY the header is the client's own claim and must not move its counter.
    const before = await t.db.pool.query<{ key: string; hits: number }>(`SELECT key, hits FROM rate_limits WHERE key LIKE 'page-ip:%'`);
    await request(t.app).get('/healthz').set('X-Forwarded-For', '198.51.100.1');
    await request(t.app).get('/healthz').set('X-Forwarded-For', '198.51.100.2');
    const after = await t.db.pool.query<{ key: string; hits: number }>(`SELECT key, hits FROM rate_limits WHERE key LIKE 'page-ip:%'`);
    expect(after.rows.some((r) => r.key.includes('198.51.100'))).toBe(false);
    expect(after.rows).toHaveLength(1);
    expect(after.rows[0]!.hits).toBe((before.rows[0]?.hits ?? 0) + 2);
  });
});

describe('an unreachable counter database', () => {
  it('lets requests through and warns once', async () => {
    const unreachable = connectDatabase('postgresql://badgeapp@127.0.0.1:1/none', { max: 1, emailKeys: testEmailKeys });
    const logged: { level: string; msg: string }[] = [];
    const record = (level: string) => (msg: string) => {
      logged.push({ level, msg });
    };
    const logger: Logger = { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
    try {
      const app = createApp({ ...tiers.ctx, logger, db: { ...tiers.ctx.db, rateLimits: unreachable.rateLimits } });
      for (let i = 0; i < 5; i++) expect((await from(app, '203.0.113.5', '/healthz')).status).toBe(200);
      expect((await request(app).get('/login')).status).toBe(200);
      expect(logged.filter((l) => l.level === 'warn')).toEqual([{ level: 'warn', msg: 'rate-limit counters unavailable; requests pass uncounted until they return' }]);
      expect(logged.filter((l) => l.level === 'error')).toEqual([]);
    } finally {
      await unreachable.close().catch(() => undefined);
    }
  });
});

describe('pruning', () => {
  it('deletes ended rate-limit windows and expired sessions in the daily maintenance job', async () => {
    await t.db.pool.query(`INSERT INTO rate_limits (key, hits, reset_at) VALUES ('test:ended', 5, now() - interval '1 minute'), ('test:live', 5, now() + interval '1 minute')`);
    await t.db.pool.query(
      `INSERT INTO session (sid, sess, expire) VALUES ('test-expired', '{}', now() - interval '1 hour'), ('test-live', '{}', now() + interval '1 hour')`,
    );
    await jobHandlers(t.ctx).maintenance();
    const limits = await t.db.pool.query<{ key: string }>(`SELECT key FROM rate_limits WHERE key LIKE 'test:%'`);
    expect(limits.rows.map((r) => r.key)).toEqual(['test:live']);
    const sessions = await t.db.pool.query<{ sid: string }>(`SELECT sid FROM session WHERE sid LIKE 'test-%'`);
    expect(sessions.rows.map((r) => r.sid)).toEqual(['test-live']);
    expect(await pruneExpiredState(t.ctx)).toEqual({ sessions: 0, rateLimits: 0, outbox: 0 });
  });
});
