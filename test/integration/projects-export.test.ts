import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import request from 'supertest';
import type { ProjectWithOwner, StoredAnswers, User } from '../../src/db/types.ts';
import { projectCsvColumns } from '../../src/presenters/project-csv.ts';
import { presentProject } from '../../src/presenters/project-json.ts';
import { EXPORT_BATCH_SIZE } from '../../src/services/export.ts';
import { STATUS } from '../../src/services/scoring/index.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { createProject, createUser } from '../support/factories.ts';

const SEEDED = 1200;

let t: TestApp;
let owner: User;
let collaborator: User;
let made: ProjectWithOwner[] = [];
/** Ids of the live projects in (created_at, id) order, straight from SQL. */
let liveIds: number[] = [];
let deletedIds: number[] = [];

type Row = Record<string, unknown>;

function metAnswers(level: string): StoredAnswers {
  const answers: StoredAnswers = {};
  for (const c of t.ctx.criteria.level(level)!.criteria) answers[c.id] = { status: STATUS.met, justification: `See https://example.org/${c.id}` };
  return answers;
}

beforeAll(async () => {
  t = await buildTestApp();
  owner = await createUser(t.ctx, { name: 'Exporter' });
  collaborator = await createUser(t.ctx, { name: 'Helper' });
  // Groups of 7 rows share one created_at with microsecond digits, so batch boundaries fall
  // inside ties and a cursor that lost the microseconds or the id tie-break would repeat or skip rows.
  await t.db.pool.query(`
    INSERT INTO projects (user_id, name, description, repo_url, homepage_url, tiered_percentage, created_at, updated_at)
    SELECT $1, 'Seeded ' || g, 'Seeded project, "quoted", number ' || g,
           'https://github.com/seeded/repo-' || g, 'https://seeded-' || g || '.example.org',
           g % 120, timestamptz '2020-01-01 00:00:00+00' + make_interval(secs => (g / 7) * 0.001234567), now()
    FROM generate_series(1, ${SEEDED}) AS g`, [owner.id]);
  made = [
    await createProject(t.ctx, owner, { name: 'Passing One', answers: metAnswers('passing') }),
    await createProject(t.ctx, owner, { name: 'Partly, "done"', answers: { [t.ctx.criteria.level('passing')!.criteria[0]!.id]: { status: STATUS.met, justification: 'Line one\nline two' } } }),
    await createProject(t.ctx, owner, { name: 'Plain' }),
  ];
  await t.db.pool.query('INSERT INTO additional_rights (project_id, user_id, updated_at) VALUES ($1, $2, now())', [made[0]!.id, collaborator.id]);
  made[0] = (await t.db.projects.findById(made[0]!.id))!;
  const deleted = await t.db.pool.query<{ id: number }>(
    "UPDATE projects SET deleted_at = now() WHERE name IN ('Seeded 3', 'Seeded 500', 'Seeded 1001', 'Plain') RETURNING id");
  deletedIds = deleted.rows.map((r) => r.id);
  made = made.filter((p) => !deletedIds.includes(p.id));
  liveIds = (await t.db.pool.query<{ id: number }>('SELECT id FROM projects WHERE deleted_at IS NULL ORDER BY created_at, id')).rows.map((r) => r.id);
}, 120_000);

afterAll(async () => {
  await t.close();
});

describe('GET /projects.json?all=1', () => {
  it('streams every live project, in creation order, as one JSON array in the project JSON shape', async () => {
    const res = await request(t.app).get('/projects.json?all=1').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json; charset=utf-8/);
    expect(res.headers['content-length']).toBeUndefined();
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['set-cookie']).toBeUndefined();
    const rows = JSON.parse(res.text) as Row[];
    expect(liveIds).toHaveLength(SEEDED + 3 - deletedIds.length);
    expect(rows.map((r) => r.id)).toEqual(liveIds);
    for (const id of deletedIds) expect(rows.map((r) => r.id)).not.toContain(id);
    for (const project of made) {
      const row = rows.find((r) => r.id === project.id);
      expect(row).toEqual(presentProject(t.ctx.criteria, project));
    }
    expect(rows.find((r) => r.id === made[0]!.id)).toMatchObject({ badge_level: 'passing', additional_rights: [collaborator.id] });
    const keys = Object.keys(presentProject(t.ctx.criteria, made[1]!));
    const sample = rows.find((r) => r.name === 'Seeded 700')!;
    const seeded = (await t.db.projects.findById(sample.id as number))!;
    expect(Object.keys(sample)).toEqual(Object.keys(presentProject(t.ctx.criteria, seeded)));
    expect(Object.keys(sample).filter((k) => !k.endsWith('_justification'))).toEqual(keys.filter((k) => !k.endsWith('_justification')));
  });

  it('reads the database in batches of at most the batch size (constant memory by construction)', async () => {
    const spy = vi.spyOn(t.db.export, 'batch');
    try {
      await request(t.app).get('/projects.json?all=1').expect(200);
      const limits = spy.mock.calls.map(([, limit]) => limit);
      expect(EXPORT_BATCH_SIZE).toBeLessThanOrEqual(500);
      expect(limits.every((l) => l <= EXPORT_BATCH_SIZE)).toBe(true);
      const returned = await Promise.all(spy.mock.results.map((r) => r.value as ReturnType<typeof t.db.export.batch>));
      expect(returned.every((b) => b.projects.length <= EXPORT_BATCH_SIZE)).toBe(true);
      expect(returned.reduce((n, b) => n + b.projects.length, 0)).toBe(liveIds.length);
      expect(spy.mock.calls.length).toBe(Math.floor(liveIds.length / EXPORT_BATCH_SIZE) + 1);
      // Each batch continues exactly after the previous one.
      expect(spy.mock.calls[0]![0]).toBeNull();
      for (let i = 1; i < returned.length; i++) expect(spy.mock.calls[i]![0]).toEqual(returned[i - 1]!.next);
    } finally {
      spy.mockRestore();
    }
  });

  it('rejects all=1 with paging, sorting, lookups, bad filters or other values with 400, and leaves paging unchanged', async () => {
    for (const query of ['all=1&page=2', 'all=1&sort=name', 'all=1&as=badge', 'all=0', 'all=1&all=1', 'all=yes', 'all=1&foo=bar', 'all=1&gteq=abc', 'all=1&status=']) {
      const res = await request(t.app).get(`/projects.json?${query}`).expect(400);
      expect(res.body, query).toMatchObject({ error: 'invalid_export_query' });
    }
    expect((await request(t.app).get('/projects.json?all=1&page=2').expect(400)).body as Row).toHaveProperty('details.page');
    expect((await request(t.app).get('/projects.json?all=1&gteq=abc').expect(400)).body as Row).toHaveProperty('details.gteq');
    await request(t.app).get('/projects.csv?all=1&page=2').expect(400);
    const page2 = await request(t.app).get('/projects.json?page=2').expect(200);
    expect((page2.body as Row[]).map((r) => r.id)).toEqual(liveIds.slice(20, 40));
    expect(page2.headers['content-length']).toBeDefined();
  });

  it('combines all=1 with the list filters: every match, oldest first, across batches', async () => {
    const expected = (await t.db.pool.query<{ id: number }>(
      'SELECT id FROM projects WHERE deleted_at IS NULL AND tiered_percentage >= 90 ORDER BY created_at, id')).rows.map((r) => r.id);
    expect(expected.length).toBeGreaterThan(100);
    const res = await request(t.app).get('/projects.json?all=1&gteq=90').expect(200);
    expect((res.body as Row[]).map((r) => r.id)).toEqual(expected);
    const found = await request(t.app).get('/projects.json?q=passing&all=1').expect(200);
    expect((found.body as Row[]).map((r) => r.name)).toEqual(['Passing One']);
    const passing = (await t.db.pool.query('SELECT 1 FROM projects WHERE deleted_at IS NULL AND tiered_percentage >= 100')).rowCount;
    const csv = await request(t.app).get('/projects.csv?all=1&status=passing').expect(200);
    expect(csv.text.split('\r\n').filter((l) => l !== '')).toHaveLength((passing ?? 0) + 1);
    expect((await request(t.app).get('/projects.json?all=1&ids=999999').expect(200)).body).toEqual([]);
  });

  it('answers HEAD with the headers only', async () => {
    const res = await request(t.app).head('/projects.json?all=1').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.text).toBeFalsy();
  });
});

describe('GET /projects.csv?all=1', () => {
  it('streams a header and one row per live project as an attachment', async () => {
    const res = await request(t.app).get('/projects.csv?all=1').buffer(true).parse((r, cb) => {
      let text = '';
      r.setEncoding('utf8');
      r.on('data', (c: string) => {
        text += c;
      });
      r.on('end', () => {
        cb(null, text);
      });
    }).expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="?projects\.csv"?$/);
    expect(res.headers['content-length']).toBeUndefined();
    expect(res.headers['cache-control']).toBe('private, no-store');
    const text = res.body as string;
    expect(text.endsWith('\r\n')).toBe(true);
    // One justification has a bare \n inside a quoted field; records end in CRLF.
    const lines = text.split('\r\n').slice(0, -1);
    expect(lines).toHaveLength(liveIds.length + 1);
    expect(lines[0]).toBe(projectCsvColumns(t.ctx.criteria).join(','));
    const same = await request(t.app).get('/projects.csv').expect(200);
    expect(same.text.split('\r\n')[0]).toBe(lines[0]);
    expect(lines[1]!.split(',')[0]).toBe(String(liveIds[0]));
  });
});

describe('clients that go away', () => {
  it('stop the export without harming the server', async () => {
    const server = http.createServer(t.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const firstChunk = await new Promise<string>((resolve, reject) => {
        const req = http.get({ host: '127.0.0.1', port, path: '/projects.json?all=1' }, (res) => {
          res.once('data', (chunk: Buffer) => {
            req.destroy();
            resolve(chunk.toString('utf8'));
          });
        });
        req.on('error', (e) => {
          if (!req.destroyed) reject(e);
        });
      });
      expect(firstChunk.startsWith('[')).toBe(true);
      // Let the server notice the closed socket and wind down.
      await new Promise((r) => setTimeout(r, 300));
      const res = await request(server).get('/projects.json?all=1').expect(200);
      expect((JSON.parse(res.text) as Row[]).length).toBe(liveIds.length);
      await request(server).get('/export').expect(200);
    } finally {
      await new Promise<void>((resolve) => server.close(() => { resolve(); }));
    }
  });
});

describe('GET /export', () => {
  it('explains the export and links to both downloads', async () => {
    const res = await request(t.app).get('/export').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('href="/projects.json?all=1"');
    expect(res.text).toContain('href="/projects.csv?all=1"');
    expect(res.text).toContain('CDLA-Permissive-2.0');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const home = await request(t.app).get('/en').expect(200);
    // Links keep the page's locale prefix.
    expect(home.text).toContain('href="/en/export"');
  });
});
