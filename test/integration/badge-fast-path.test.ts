import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import pg from 'pg';
import { createApp } from '../../src/app.ts';
import { BADGE_CHANNEL, type BadgesRepo } from '../../src/db/badges.ts';
import { presentBadge } from '../../src/presenters/project-json.ts';
import { deleteProject, restoreProject } from '../../src/services/deletion.ts';
import { STATUS } from '../../src/services/scoring/index.ts';
import type { StoredAnswers } from '../../src/db/types.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { createProject, createUser, csrfFrom, loginAs } from '../support/factories.ts';
import { until } from '../support/poll.ts';

/**
 * The badge fast path (src/http/badge-fast-path.ts) and its cache (src/services/badge-cache.ts)
 * in one instance: what is read, when it is read again, and that every answer is the one the
 * Express routes gave before.
 */
let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
  await until(() => t.db.badges.trusted);
});

afterAll(async () => {
  await t.close();
});

/** The same store, with its reads counted; `filled` settles once the first fill has been applied. */
function counted(repo: BadgesRepo) {
  const calls = { find: 0, levels: 0 };
  let filledNow: () => void = () => undefined;
  const filled = new Promise<void>((resolve) => (filledNow = resolve));
  const wrapped: BadgesRepo = {
    find: (id) => {
      calls.find++;
      return repo.find(id);
    },
    levels: () => {
      calls.levels++;
      const all = repo.levels();
      // Settles after the cache's own handler of the same promise has run.
      void all.then(() => setImmediate(filledNow));
      return all;
    },
    subscribe: (s) => repo.subscribe(s),
    get trusted() {
      return repo.trusted;
    },
  };
  return { calls, filled, repo: wrapped };
}

/** An app on the test database whose badge reads and rate-limit writes are counted. */
function countingApp(env: { badgeCacheEnabled?: boolean } = {}) {
  const badges = counted(t.db.badges);
  const limits = { hits: 0 };
  const rateLimits = { ...t.db.rateLimits, hit: (key: string, windowMs: number) => ((limits.hits++), t.db.rateLimits.hit(key, windowMs)) };
  const app = createApp({
    ...t.ctx,
    config: { ...t.ctx.config, badgeCacheEnabled: env.badgeCacheEnabled ?? true },
    db: { ...t.db, badges: badges.repo, rateLimits },
  });
  return { app, calls: badges.calls, filled: badges.filled, limits };
}

function metAnswers(levels: string[]): StoredAnswers {
  const answers: StoredAnswers = {};
  for (const key of levels) {
    for (const c of t.ctx.criteria.level(key)!.criteria) answers[c.id] = { status: STATUS.met, justification: `Evidence: https://example.org/${c.id}` };
  }
  return answers;
}

function text(res: request.Response): string {
  return Buffer.isBuffer(res.body) ? res.body.toString('utf8') : res.text;
}

/** Sent by the request-wide middleware for every response, badges included (spec §10.1). */
const SECURITY: [string, string][] = [
  ['content-security-policy', "default-src 'self';img-src 'self';object-src 'none';script-src 'self';style-src 'self';base-uri 'self';frame-ancestors 'none';form-action 'self'"],
  ['cross-origin-opener-policy', 'same-origin'],
  ['cross-origin-resource-policy', 'cross-origin'],
  ['origin-agent-cluster', '?1'],
  ['referrer-policy', 'strict-origin-when-cross-origin'],
  ['x-content-type-options', 'nosniff'],
  ['x-dns-prefetch-control', 'off'],
  ['x-download-options', 'noopen'],
  ['x-frame-options', 'DENY'],
  ['x-permitted-cross-domain-policies', 'none'],
  ['x-xss-protection', '0'],
  ['permissions-policy', 'fullscreen=(), geolocation=(), midi=(), notifications=(), push=(), sync-xhr=(), microphone=(), camera=(), magnetometer=(), gyroscope=(), speaker=(), vibrate=(), payment=()'],
];

/** Every header of a response but the per-request ones, in the order sent. */
function headerList(res: request.Response): string[][] {
  const raw = (res as unknown as { res: { rawHeaders: string[] } }).res.rawHeaders;
  const list: string[][] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (!['date', 'connection', 'keep-alive'].includes(name)) list.push([name, name === 'x-request-id' ? '<id>' : raw[i + 1]!]);
  }
  return list;
}

function cdn(key: string): string[][] {
  return [
    ['cache-control', 'no-store'],
    ['access-control-allow-origin', '*'],
    ['surrogate-control', 'max-age=864000, stale-if-error=8640000'],
    ['surrogate-key', key],
  ];
}

describe('headers: the ones the Express routes sent, less the request-wide RateLimit pair', () => {
  it('for the SVG, its HEAD and its 304', async () => {
    const project = await createProject(t.ctx, await createUser(t.ctx));
    const res = await request(t.app).get(`/projects/${project.id}/badge`).expect(200);
    // The flat "in progress 0%" image has always had this ETag (Express's weak ETag of the bytes).
    const etag = 'W/"588-0QnTqFGC78Aa0Mqm7SjKj2XgDqw"';
    const svg = [['content-type', 'image/svg+xml; charset=utf-8'], ['content-disposition', 'inline'], ['content-length', '1416'], ['etag', etag]];
    expect(headerList(res)).toEqual([['x-request-id', '<id>'], ...SECURITY, ...cdn(`projects/${project.id}`), ...svg]);
    const head = await request(t.app).head(`/projects/${project.id}/badge.svg`).expect(200);
    expect(headerList(head)).toEqual(headerList(res));
    expect(head.body).toEqual({});
    const cached = await request(t.app).get(`/projects/${project.id}/badge`).set('If-None-Match', etag).expect(304);
    expect(headerList(cached)).toEqual([['x-request-id', '<id>'], ...SECURITY, ...cdn(`projects/${project.id}`), ['content-disposition', 'inline'], ['etag', etag]]);
    expect(cached.text).toBe('');
  });

  it('for the JSON and its 304', async () => {
    const project = await createProject(t.ctx, await createUser(t.ctx));
    const res = await request(t.app).get(`/projects/${project.id}/badge.json`).expect(200);
    const etag = res.headers.etag as string;
    expect(etag).toMatch(/^W\/"[0-9a-f]+-[A-Za-z0-9+/]{27}"$/);
    expect(headerList(res)).toEqual([
      ['x-request-id', '<id>'], ...SECURITY, ...cdn(`projects/${project.id}`),
      ['content-type', 'application/json; charset=utf-8'], ['content-length', String(Buffer.byteLength(res.text))], ['etag', etag],
    ]);
    const cached = await request(t.app).get(`/projects/${project.id}/badge.json`).set('If-None-Match', etag).expect(304);
    expect(headerList(cached)).toEqual([['x-request-id', '<id>'], ...SECURITY, ...cdn(`projects/${project.id}`), ['etag', etag]]);
  });

  it('for /badge_static', async () => {
    const res = await request(t.app).get('/badge_static/passing').expect(200);
    expect(headerList(res)).toEqual([
      ['x-request-id', '<id>'], ...SECURITY, ...cdn('/badge_percent/passing'),
      ['content-type', 'image/svg+xml; charset=utf-8'], ['content-disposition', 'inline'], ['content-length', String(Buffer.byteLength(text(res)))], ['etag', res.headers.etag],
    ]);
  });

  it('follows the configuration of the security middleware (HSTS in production, the GitHub origin in form-action)', async () => {
    const config = { ...t.ctx.config, isProduction: true, github: { clientId: 'id', clientSecret: 'secret', baseUrl: 'https://ghe.example.com', apiUrl: 'https://ghe.example.com/api/v3' } };
    const app = createApp({ ...t.ctx, config });
    const badge = await request(app).get('/badge_static/passing').expect(200);
    // /healthz goes through Express and its middleware.
    const page = await request(app).get('/healthz').expect(200);
    expect(badge.headers['strict-transport-security']).toBe('max-age=631139040; includeSubDomains; preload');
    expect(badge.headers['content-security-policy']).toContain('form-action \'self\' https://ghe.example.com');
    for (const [name] of SECURITY.filter(([n]) => n !== 'cross-origin-resource-policy')) expect(badge.headers[name], name).toBe(page.headers[name]);
    expect(badge.headers['strict-transport-security']).toBe(page.headers['strict-transport-security']);
  });

  it('keeps a safe X-Request-Id from the proxy and replaces an unsafe one', async () => {
    const project = await createProject(t.ctx, await createUser(t.ctx));
    expect((await request(t.app).get(`/projects/${project.id}/badge`).set('X-Request-Id', 'edge-42')).headers['x-request-id']).toBe('edge-42');
    const replaced = (await request(t.app).get(`/projects/${project.id}/badge`).set('X-Request-Id', 'x'.repeat(65))).headers['x-request-id'] as string;
    expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('conditional requests', () => {
  it('answers 304 to any matching tag, weak or strong, and to *; 200 otherwise or when the client says no-cache', async () => {
    const project = await createProject(t.ctx, await createUser(t.ctx));
    const path = `/projects/${project.id}/badge.svg`;
    const etag = (await request(t.app).get(path).expect(200)).headers.etag as string;
    const strong = etag.slice(2);
    for (const header of [etag, strong, `"other", ${etag}`, '*']) {
      await request(t.app).get(path).set('If-None-Match', header).expect(304);
    }
    await request(t.app).get(path).set('If-None-Match', '"other"').expect(200);
    await request(t.app).get(path).set('If-None-Match', etag).set('Cache-Control', 'no-cache').expect(200);
    // HEAD too.
    await request(t.app).head(path).set('If-None-Match', etag).expect(304);
  });

  it('changes the ETag when the badge changes', async () => {
    const project = await createProject(t.ctx, await createUser(t.ctx));
    const other = await createProject(t.ctx, await createUser(t.ctx), { answers: metAnswers(['passing']) });
    const a = (await request(t.app).get(`/projects/${project.id}/badge`)).headers.etag as string;
    const b = (await request(t.app).get(`/projects/${other.id}/badge`)).headers.etag as string;
    expect(a).not.toBe(b);
    await request(t.app).get(`/projects/${other.id}/badge`).set('If-None-Match', a).expect(200);
  });
});

describe('what falls through to Express answers as before', () => {
  it.each([
    ['/projects/1e3/badge', 404],
    ['/projects/-1/badge', 404],
    ['/projects/0/badge', 404],
    ['/projects/01/badge', 404],
    ['/projects/%00/badge', 404],
    ['/projects/99999999999999999999/badge', 404],
    ['/projects/2147483648/badge', 404],
    ['/projects/2147483648/badge.json', 404],
    ['/projects/999999/badge', 404],
    ['/badge_static/100', 404],
    ['/badge_static/%00', 404],
  ])('%s → %i', async (path, status) => {
    const res = await request(t.app).get(path).expect(status);
    expect(res.headers['surrogate-control']).toBeUndefined();
    expect(res.headers['cache-control']).toBe('private, no-store');
  });

  it('gives unknown ids of the JSON variant the JSON 404', async () => {
    const res = await request(t.app).get('/projects/999999/badge.json').expect(404);
    expect(res.body).toEqual({ error: 'The project was not found.', details: null });
  });

  it('refuses a bad or repeated style with 400 but ignores style on the JSON variant', async () => {
    const project = await createProject(t.ctx, await createUser(t.ctx));
    await request(t.app).get(`/projects/${project.id}/badge?style=neon`).expect(400);
    await request(t.app).get(`/projects/${project.id}/badge?style=flat&style=plastic`).expect(400);
    await request(t.app).get(`/badge_static/gold?style=neon`).expect(400);
    await request(t.app).get(`/projects/${project.id}/badge.json?style=neon`).expect(200);
    const styled = await request(t.app).get(`/projects/${project.id}/badge?x=1&style=for-the-badge`).expect(200);
    expect(text(styled)).toContain('OPENSSF BEST PRACTICES');
  });

  it('keeps other spellings, methods and preflights as they were', async () => {
    const project = await createProject(t.ctx, await createUser(t.ctx));
    // Express matches paths without regard to case and decodes parameters.
    await request(t.app).get(`/PROJECTS/${project.id}/BADGE`).expect(200);
    const id = String(project.id);
    await request(t.app).get(`/projects/%3${id[0]!}${id.slice(1)}/badge`).expect(200);
    await request(t.app).get(`/projects/${project.id}/badge/`).expect(301).expect('location', `/projects/${project.id}/badge`);
    await request(t.app).get(`/en/projects/${project.id}/badge`).expect(301).expect('location', `/projects/${project.id}/badge`);
    await request(t.app).post(`/projects/${project.id}/badge`).expect(403);
    await request(t.app).delete(`/projects/${project.id}/badge`).expect(403);
    const preflight = await request(t.app).options(`/projects/${project.id}/badge`).expect(204);
    expect(preflight.headers['access-control-allow-methods']).toBe('GET, OPTIONS');
  });

  it('lets Express answer when the badge read fails', async () => {
    const failing: BadgesRepo = { find: () => Promise.reject(new Error('database gone')), levels: () => Promise.resolve([]), subscribe: () => () => undefined, trusted: false };
    const app = createApp({ ...t.ctx, db: { ...t.db, badges: failing } });
    const project = await createProject(t.ctx, await createUser(t.ctx));
    // Here the database is in fact fine, so Express's own read succeeds.
    const res = await request(app).get(`/projects/${project.id}/badge.json`).expect(200);
    expect(res.body).toMatchObject({ id: project.id });
  });
});

describe('the cache', () => {
  it('is filled with every project in one query at start: images of those need no read of their own', async () => {
    const projects = [await createProject(t.ctx, await createUser(t.ctx)), await createProject(t.ctx, await createUser(t.ctx), { answers: metAnswers(['passing']) })];
    const { app, calls, filled } = countingApp();
    await filled;
    expect(calls.levels).toBe(1);
    expect(text(await request(app).get(`/projects/${projects[0]!.id}/badge`).expect(200))).toContain('in progress 0%');
    expect(text(await request(app).get(`/projects/${projects[1]!.id}/badge?style=flat-square`).expect(200))).toContain('passing');
    expect(calls.find).toBe(0);
    // The JSON shows more columns; they are read on first use, then kept.
    await request(app).get(`/projects/${projects[1]!.id}/badge.json`).expect(200);
    await request(app).get(`/projects/${projects[1]!.id}/badge.json`).expect(200);
    expect(calls.find).toBe(1);
  });

  it('reads a project missing from the fill once, then answers from memory with no database work at all', async () => {
    const { app, calls, filled, limits } = countingApp();
    await filled;
    const project = await createProject(t.ctx, await createUser(t.ctx), { answers: metAnswers(['passing']) });
    const sessions = await t.db.pool.query('SELECT count(*)::int AS n FROM session');
    for (const path of [`/projects/${project.id}/badge`, `/projects/${project.id}/badge.svg`, `/projects/${project.id}/badge.json`, `/projects/${project.id}/badge?style=plastic`]) {
      const res = await request(app).get(path).expect(200);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    await request(app).get('/badge_static/silver').expect(200);
    expect(calls.find).toBe(1);
    expect(limits.hits).toBe(0);
    expect((await t.db.pool.query('SELECT count(*)::int AS n FROM session')).rows).toEqual(sessions.rows);
  });

  it('shares one read among concurrent misses', async () => {
    const { app, calls, filled } = countingApp();
    await filled;
    const project = await createProject(t.ctx, await createUser(t.ctx));
    await Promise.all(Array.from({ length: 5 }, () => request(app).get(`/projects/${project.id}/badge`).expect(200)));
    expect(calls.find).toBe(1);
  });

  it('gives the JSON exactly as presentBadge shapes it', async () => {
    const project = await createProject(t.ctx, await createUser(t.ctx), { name: 'Name with "quotes" & <tags>', answers: metAnswers(['passing', 'silver']) });
    const res = await request(t.app).get(`/projects/${project.id}/badge.json`).expect(200);
    expect(res.text).toBe(JSON.stringify(presentBadge(t.ctx.criteria, (await t.db.projects.findById(project.id))!)));
  });

  it('shows a save in this instance at once (updated after the commit)', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner);
    expect(text(await request(t.app).get(`/projects/${project.id}/badge`))).toContain('in progress 0%');
    const before = (await request(t.app).get(`/projects/${project.id}/badge.json`)).body as { updated_at: string };
    const agent = await loginAs(t.app, owner);
    const page = await agent.get(`/projects/${project.id}/passing/edit`);
    const form: Record<string, string> = {};
    for (const c of t.ctx.criteria.level('passing')!.criteria) {
      form[`${c.id}_status`] = 'Met';
      form[`${c.id}_justification`] = `See https://example.org/evidence/${c.id} for details.`;
    }
    await agent.post(`/projects/${project.id}/passing/edit`).type('form').send({ _csrf: csrfFrom(page.text), lock_version: '0', after: 'exit', ...form }).expect(303);
    // No polling: the commit itself updated this instance's cache.
    expect(text(await request(t.app).get(`/projects/${project.id}/badge`))).toContain('<title>openssf best practices: passing</title>');
    const after = (await request(t.app).get(`/projects/${project.id}/badge.json`)).body as { updated_at: string; badge_level: string };
    expect(after.badge_level).toBe('passing');
    expect(after.updated_at).not.toBe(before.updated_at);
  });

  it('forgets deleted projects at once and shows restored ones again', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner);
    await request(t.app).get(`/projects/${project.id}/badge`).expect(200);
    expect(await deleteProject(t.ctx, owner, project, { deletion_rationale: 'Registered twice by mistake; the other entry is the real one.' })).toEqual({ ok: true });
    await request(t.app).get(`/projects/${project.id}/badge`).expect(404);
    await request(t.app).get(`/projects/${project.id}/badge.json`).expect(404);
    const admin = await createUser(t.ctx, { role: 'admin' });
    expect(await restoreProject(t.ctx, admin, (await t.db.projects.findByIdIncludingDeleted(project.id))!)).toBe(true);
    await request(t.app).get(`/projects/${project.id}/badge`).expect(200);
  });

  it('keeps answering from memory after a change that announced nothing, until a notice names it', async () => {
    const project = await createProject(t.ctx, await createUser(t.ctx), { name: 'Before' });
    expect((await request(t.app).get(`/projects/${project.id}/badge.json`)).body).toMatchObject({ name: 'Before' });
    await t.db.pool.query('UPDATE projects SET name = $1 WHERE id = $2', ['After', project.id]);
    // Proof that the answer is cached: the row changed, the badge did not.
    expect((await request(t.app).get(`/projects/${project.id}/badge.json`)).body).toMatchObject({ name: 'Before' });
    // Another instance's notice, sent on another connection.
    await t.db.pool.query('SELECT pg_notify($1, $2)', [BADGE_CHANNEL, `${project.id + 1000},${project.id}`]);
    await until(async () => ((await request(t.app).get(`/projects/${project.id}/badge.json`)).body as { name: string }).name === 'After');
  });

  it('drops everything on a "*" notice', async () => {
    const project = await createProject(t.ctx, await createUser(t.ctx), { name: 'Old name' });
    await request(t.app).get(`/projects/${project.id}/badge.json`).expect(200);
    await t.db.pool.query('UPDATE projects SET name = $1 WHERE id = $2', ['New name', project.id]);
    await t.db.pool.query('SELECT pg_notify($1, $2)', [BADGE_CHANNEL, '*']);
    await until(async () => ((await request(t.app).get(`/projects/${project.id}/badge.json`)).body as { name: string }).name === 'New name');
  });

  it('drops everything when the notification connection is lost, and caches again once it is back', async () => {
    const project = await createProject(t.ctx, await createUser(t.ctx), { name: 'Cached' });
    await request(t.app).get(`/projects/${project.id}/badge.json`).expect(200);
    await t.db.pool.query('UPDATE projects SET name = $1 WHERE id = $2', ['Missed', project.id]);
    // The notice of this change never reaches the listener: its connection is cut instead.
    const killed = await t.db.pool.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'LISTEN "${BADGE_CHANNEL}"' AND datname = current_database()`);
    expect(killed.rowCount).toBeGreaterThanOrEqual(1);
    await until(async () => ((await request(t.app).get(`/projects/${project.id}/badge.json`)).body as { name: string }).name === 'Missed');
    await until(() => t.db.badges.trusted);
    // Listening again: the next read is kept.
    await request(t.app).get(`/projects/${project.id}/badge.json`).expect(200);
    await t.db.pool.query('UPDATE projects SET name = $1 WHERE id = $2', ['Unannounced', project.id]);
    expect((await request(t.app).get(`/projects/${project.id}/badge.json`)).body).toMatchObject({ name: 'Missed' });
  });

  it('reads every badge from the database with BADGE_CACHE=off', async () => {
    const { app, calls } = countingApp({ badgeCacheEnabled: false });
    const project = await createProject(t.ctx, await createUser(t.ctx), { name: 'Uncached' });
    await request(app).get(`/projects/${project.id}/badge`).expect(200);
    await t.db.pool.query('UPDATE projects SET name = $1 WHERE id = $2', ['Read again', project.id]);
    expect((await request(app).get(`/projects/${project.id}/badge.json`)).body).toMatchObject({ name: 'Read again' });
    expect(calls.find).toBe(2);
    expect(calls.levels).toBe(0);
  });

  it('tells this instance about a committed change before the transaction call returns, and nothing about a rolled-back one', async () => {
    const seen: number[][] = [];
    const unsubscribe = t.db.badges.subscribe({
      changed: (change) => {
        if ('ids' in change) seen.push([...change.ids]);
      },
      trusted: () => undefined,
    });
    try {
      await expect(
        t.db.transaction(async (tx) => {
          await tx.badgeChanges.changed([525252]);
          expect(seen).toEqual([]);
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      await t.db.transaction(async (tx) => {
        await tx.badgeChanges.changed([535353]);
        expect(seen).toEqual([]);
      });
      expect(seen).toEqual([[535353]]);
    } finally {
      unsubscribe();
    }
  });

  it('sends a notice on commit only: a rolled-back change announces nothing', async () => {
    const listener = new pg.Client({ connectionString: t.ctx.config.databaseUrl });
    await listener.connect();
    const received: string[] = [];
    listener.on('notification', (n) => received.push(n.payload ?? ''));
    await listener.query(`LISTEN "${BADGE_CHANNEL}"`);
    try {
      await expect(
        t.db.transaction(async (tx) => {
          await tx.badgeChanges.changed([424242]);
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      await t.db.transaction(async (tx) => {
        await tx.badgeChanges.changed([434343, 434344]);
      });
      await until(() => received.length > 0);
      expect(received).toEqual(['434343,434344']);
    } finally {
      await listener.end();
    }
  });
});
