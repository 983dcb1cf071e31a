import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type PgBoss from 'pg-boss';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../src/db/embedded.ts';
import { deployMigrations } from '../../src/db/migrate.ts';
import { startJobs } from '../../src/jobs/index.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { createProject, createUser, loginAs } from '../support/factories.ts';

/**
 * The app against a PostgreSQL server of its own that the test stops and starts again: while it
 * is away every request gets a 503 (never a 500), and afterwards the same app, session store and
 * job queue work again without a restart.
 */
let root: string;
let dataDir: string;
let port: number;
let server: EmbeddedPostgresHandle;
let t: TestApp;
let boss: PgBoss | undefined;
const queueErrors: unknown[] = [];

beforeAll(async () => {
  // As root, PostgreSQL runs as the `postgres` user, which must be able to enter the directory.
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'badgeapp-degraded-'));
  fs.chmodSync(root, 0o755);
  dataDir = path.join(root, 'pg');
  // Persistent, so that stop() keeps the cluster for the restart.
  server = await startEmbeddedPostgres({ dataDir, persistent: true });
  port = server.port;
  await deployMigrations(server.url);
  t = await buildTestApp({}, { databaseUrl: server.url });
  boss = await startJobs(t.ctx, server.url);
  boss.on('error', (err) => queueErrors.push(err));
}, 120_000);

afterAll(async () => {
  await boss?.stop({ graceful: false, wait: true }).catch(() => undefined);
  await t.close();
  await server.stop();
  fs.rmSync(root, { recursive: true, force: true });
}, 60_000);

/** Every request the test sends, so that none can have answered 500 unnoticed. */
const statuses: number[] = [];
function track(res: request.Response): request.Response {
  statuses.push(res.status);
  return res;
}

describe('when PostgreSQL goes away and comes back', () => {
  it('serves 503s while it is down and recovers without a restart', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner, { name: 'Survives outages' });
    const agent = await loginAs(t.app, owner);

    expect(track(await request(t.app).get('/healthz')).body).toEqual({ status: 'ok' });
    track(await request(t.app).get(`/projects/${String(project.id)}/passing`).expect(200));
    track(await agent.get('/account').expect(200));

    await server.stop();

    const health = track(await request(t.app).get('/healthz'));
    expect(health.status).toBe(503);
    expect(health.body).toEqual({ status: 'unavailable' });
    expect(health.headers['cache-control']).toBe('no-store');

    // Anonymous page (Prisma through the pg adapter): the styled page in the normal layout.
    const page = track(await request(t.app).get(`/projects/${String(project.id)}/passing`));
    expect(page.status).toBe(503);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['retry-after']).toBe('30');
    expect(page.text).toContain('<link rel="stylesheet" href="/css/app.css">');
    expect(page.text).toContain(t.ctx.i18n.t('errors.unavailable_title'));
    expect(page.text).toContain(t.ctx.i18n.t('errors.unavailable_text'));

    // The stylesheet the page links to needs no database.
    track(await request(t.app).get('/css/app.css').expect(200));

    const json = track(await request(t.app).get(`/projects/${String(project.id)}.json`));
    expect(json.status).toBe(503);
    expect(json.body).toEqual({ error: t.ctx.i18n.t('errors.http.database_unavailable'), details: null });

    // A signed-in visitor: the session store (connect-pg-simple, pg directly) fails first.
    const account = track(await agent.get('/account'));
    expect(account.status).toBe(503);
    expect(account.text).toContain(t.ctx.i18n.t('errors.unavailable_title'));

    // The list API (public, no session) answers in JSON as well.
    const list = track(await request(t.app).get('/projects.json'));
    expect(list.status).toBe(503);
    expect(list.body).toEqual({ error: t.ctx.i18n.t('errors.http.database_unavailable'), details: null });

    server = await startEmbeddedPostgres({ dataDir, persistent: true, port });

    expect(track(await request(t.app).get('/healthz')).body).toEqual({ status: 'ok' });
    const again = track(await request(t.app).get(`/projects/${String(project.id)}/passing`).expect(200));
    expect(again.text).toContain('Survives outages');
    track(await request(t.app).get(`/projects/${String(project.id)}.json`).expect(200));
    // The session written before the outage is still there and still valid.
    track(await agent.get('/account').expect(200));

    // The job queue (its own pg pool) reconnects too.
    await boss?.createQueue('degraded-probe');
    expect(await boss?.send('degraded-probe', {})).toEqual(expect.any(String));

    expect(statuses).not.toContain(500);
  }, 120_000);
});
