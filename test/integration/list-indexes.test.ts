import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createSeedWriter } from '../../src/db/seed.ts';
import { SORT_FIELDS, type ProjectListFilter, type ProjectListOrder } from '../../src/domain/list.ts';
import { prefixLikePattern, prefixTsquery } from '../../src/services/list.ts';
import { scoreStateOf } from '../../src/services/project-scores.ts';
import { computeScores } from '../../src/services/scoring/index.ts';
import { seedAtScale, type ScaleSeedResult } from '../../src/services/seed.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { testEmailKeys } from '../support/database.ts';
import { createProject, createUser } from '../support/factories.ts';

/**
 * Query plans of the project list on a database of the size the issue names (100,000 projects
 * from the scale seeder, with its statistics), not on a few thousand rows where a sequential scan
 * can be the cheaper plan and hide a missing index.
 */
const PROJECTS = 100_000;

let t: TestApp;
let seeded: ScaleSeedResult;

beforeAll(async () => {
  t = await buildTestApp();
  seeded = await seedAtScale(t.ctx, createSeedWriter(t.db.pool, testEmailKeys), { projects: PROJECTS, seed: 7 });
}, 600_000);

afterAll(async () => {
  await t.close();
});

const plan = async (filter: ProjectListFilter, order: ProjectListOrder, page = 1) => (await t.db.list.explainPage(filter, order, 20, (page - 1) * 20)).join('\n');
const created: ProjectListOrder = { field: 'created_at', direction: 'asc' };
const prefix = (pq: string) => ({ tsquery: prefixTsquery(pq), likePattern: prefixLikePattern(pq) });

describe('the scale seed', () => {
  it('wrote the projects, owners, history and collaborators it reports, with realistic levels', async () => {
    const counts = (await t.db.pool.query<{ projects: string; users: string; changes: string; rights: string }>(`
      SELECT (SELECT count(*) FROM projects) AS projects, (SELECT count(*) FROM users) AS users,
             (SELECT count(*) FROM project_changes) AS changes, (SELECT count(*) FROM additional_rights) AS rights`)).rows[0]!;
    expect(Number(counts.projects)).toBe(PROJECTS);
    expect(Number(counts.users)).toBe(seeded.users);
    expect(seeded.users).toBeGreaterThanOrEqual(3000);
    expect(Number(counts.changes)).toBe(seeded.changes);
    expect(Number(counts.rights)).toBe(seeded.collaborators);
    // Most projects are unfinished, fewer reach each higher level.
    const { in_progress: inProgress = 0, passing = 0, silver = 0, gold = 0 } = seeded.levels;
    expect(inProgress + passing + silver + gold).toBe(PROJECTS);
    expect(inProgress).toBeGreaterThan(passing);
    expect(passing).toBeGreaterThan(silver);
    expect(silver).toBeGreaterThan(gold);
    expect(gold).toBeGreaterThan(0);
  });

  it('stores the scores the scoring engine gives the stored answers', async () => {
    const sample = (await t.db.pool.query<{ id: number }>('SELECT id FROM projects ORDER BY random() LIMIT 25')).rows;
    for (const { id } of sample) {
      const project = (await t.db.projects.findById(id))!;
      const page = await request(t.app).get(`/projects/${id}.json`).expect(200);
      const body = page.body as { tiered_percentage: number; badge_percentage_0: number };
      expect(body.tiered_percentage).toBe(project.tieredPercentage);
      // Re-scoring the stored answers changes nothing (the seed used the engine itself).
      const again = computeScores(t.ctx.criteria, project.answers, scoreStateOf(t.ctx.criteria, project), project.updatedAt);
      expect(again.tieredPercentage, `project ${id}`).toBe(project.tieredPercentage);
    }
  });
});

describe('list query plans at 100,000 projects', () => {
  it('read every sort, both directions, first and deep pages, in index order (no sequential scan, no full sort)', async () => {
    for (const field of SORT_FIELDS) {
      for (const direction of ['asc', 'desc'] as const) {
        for (const page of [1, 100]) {
          const text = await plan({}, { field, direction }, page);
          const where = `${field} ${direction} page ${page}\n${text}`;
          expect(text, where).not.toContain('Seq Scan on projects');
          expect(text, where).toMatch(/Index (Only )?Scan (Backward )?using projects_/);
          // Sorting all 100,000 rows would show as a plain Sort directly under the Limit.
          expect(text, where).not.toMatch(/Limit.*\n\s*->\s+Sort /);
        }
      }
    }
  });

  it('answer every filter through an index', async () => {
    const [owner] = (await t.db.pool.query<{ user_id: number }>('SELECT user_id FROM projects GROUP BY user_id ORDER BY count(*) DESC LIMIT 1')).rows;
    const [some] = (await t.db.pool.query<{ repo_url: string; name: string }>('SELECT repo_url, name FROM projects ORDER BY id LIMIT 1 OFFSET 5000')).rows;
    const filters: Record<string, ProjectListFilter> = {
      'status=passing': { minTiered: 100 },
      'status=in_progress': { maxTiered: 99 },
      'gteq=90': { minTiered: 90 },
      'gteq=300 (gold)': { minTiered: 300 },
      'lteq=10': { maxTiered: 10 },
      'baseline_level=in_progress': { maxBaselineTiered: 99 },
      'baseline_level=baseline-1': { minBaselineTiered: 100, maxBaselineTiered: 199 },
      'baseline_level=baseline-3': { minBaselineTiered: 300 },
      'baseline_gteq=50': { minBaselineTiered: 50 },
      url: { urls: [some!.repo_url] },
      'pq=demo': { prefix: prefix('demo') },
      [`pq=${some!.name}`]: { prefix: prefix(some!.name) },
      'q=parser': { text: 'parser' },
      'q=rare word': { text: 'plotting' },
      ids: { ids: [5, 50, 500] },
      user_id: { ownerId: owner!.user_id },
    };
    for (const [name, filter] of Object.entries(filters)) {
      for (const order of [created, { field: 'name', direction: 'asc' } as const, { field: 'tiered_percentage', direction: 'desc' } as const, { field: 'baseline_tiered_percentage', direction: 'desc' } as const]) {
        const text = await plan(filter, order);
        expect(text, `${name} by ${order.field}\n${text}`).not.toContain('Seq Scan on projects');
      }
    }
  });

  it('keeps the search index without a pending list, so a project saved after the seed is found through it', async () => {
    const [options] = (await t.db.pool.query<{ reloptions: string[] | null }>(
      "SELECT reloptions FROM pg_class WHERE relname = 'projects_search_vector_idx'")).rows;
    expect(options!.reloptions).toContain('fastupdate=off');
    const owner = await createUser(t.ctx);
    const fresh = await createProject(t.ctx, owner, { name: 'Zyzzyvafresh Tool' });
    const text = await plan({ text: 'zyzzyvafresh' }, created);
    expect(text).toContain('Bitmap Index Scan on projects_search_vector_idx');
    const found = await request(t.app).get('/projects.json?q=zyzzyvafresh').expect(200);
    expect((found.body as { id: number }[]).map((p) => p.id)).toEqual([fresh.id]);
  });

  it('estimates the rows of the common filters within a factor of three of the truth (fresh statistics)', async () => {
    for (const where of ['tiered_percentage >= 100', 'tiered_percentage >= 300', 'tiered_percentage <= 99']) {
      const [{ n }] = (await t.db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM projects WHERE ${where}`)).rows as [{ n: string }];
      const explained = (await t.db.pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN SELECT id FROM projects WHERE ${where}`)).rows.map((r) => r['QUERY PLAN']).join('\n');
      const estimate = Number(/rows=(\d+)/.exec(explained)?.[1]);
      expect(estimate / Number(n), `${where}: estimate ${estimate}, actual ${n}`).toBeGreaterThan(1 / 3);
      expect(estimate / Number(n), `${where}: estimate ${estimate}, actual ${n}`).toBeLessThan(3);
    }
  });

  it('remembers a large total for a minute, and counts a small one exactly every time', async () => {
    const total = (res: { text: string }) => Number(/<p class="count">([\d,.\s\u00a0\u202f]+) projects?<\/p>/.exec(res.text)?.[1]?.replace(/\D/g, ''));
    const before = total(await request(t.app).get('/projects').expect(200));
    expect(before).toBeGreaterThanOrEqual(PROJECTS);
    const owner = await createUser(t.ctx);
    await createProject(t.ctx, owner, { name: 'Quuxcounted One' });
    expect(total(await request(t.app).get('/projects?q=quuxcounted').expect(200))).toBe(1);
    await createProject(t.ctx, owner, { name: 'Quuxcounted Two' });
    expect(total(await request(t.app).get('/projects?q=quuxcounted').expect(200))).toBe(2);
    // The unfiltered total of 100,000 rows is the cached one (two projects were added since).
    expect(total(await request(t.app).get('/projects').expect(200))).toBe(before);
  });

  it('serves the list JSON and the HTML list with its total over the seeded table', async () => {
    expect((await request(t.app).get('/projects.json?sort=name&page=100').expect(200)).body).toHaveLength(20);
    const html = await request(t.app).get('/projects?gteq=100').expect(200);
    const passing = (seeded.levels.passing ?? 0) + (seeded.levels.silver ?? 0) + (seeded.levels.gold ?? 0);
    expect(html.text.replace(/[,\u202f\u00a0]/g, '')).toContain(String(passing));
  });
});
