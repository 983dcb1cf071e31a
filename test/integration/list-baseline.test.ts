import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import type { StoredAnswers } from '../../src/db/types.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { createProject, createUser } from '../support/factories.ts';

let t: TestApp;
const ids: Record<'none' | 'half' | 'one' | 'two', number> = { none: 0, half: 0, one: 0, two: 0 };
const tag = `bl${process.pid}`;

/** Met with a URL for every criterion of the levels (every baseline control is then enough). */
function met(levels: string[], fraction = 1): StoredAnswers {
  const answers: StoredAnswers = {};
  for (const key of levels) {
    const criteria = t.ctx.criteria.level(key)!.criteria;
    for (const c of criteria.slice(0, Math.ceil(criteria.length * fraction))) answers[c.id] = { status: 3, justification: `See https://example.org/${c.id}` };
  }
  return answers;
}

beforeAll(async () => {
  t = await buildTestApp();
  const owner = await createUser(t.ctx);
  ids.none = (await createProject(t.ctx, owner, { name: `${tag} none` })).id;
  ids.half = (await createProject(t.ctx, owner, { name: `${tag} half`, answers: met(['baseline-1'], 0.5) })).id;
  ids.one = (await createProject(t.ctx, owner, { name: `${tag} one`, answers: met(['baseline-1']) })).id;
  ids.two = (await createProject(t.ctx, owner, { name: `${tag} two`, answers: met(['baseline-1', 'baseline-2']) })).id;
});

afterAll(async () => {
  await t.close();
});

const listed = async (query: string) => ((await request(t.app).get(`/projects.json?q=${tag}&${query}`).expect(200)).body as { id: number }[]).map((p) => p.id);

describe('the list by OSPS Baseline level and progress', () => {
  it('filters by an exact baseline level (JSON)', async () => {
    expect(await listed('baseline_level=in_progress')).toEqual([ids.none, ids.half]);
    expect(await listed('baseline_level=baseline-1')).toEqual([ids.one]);
    expect(await listed('baseline_level=baseline-2')).toEqual([ids.two]);
    expect(await listed('baseline_level=baseline-3')).toEqual([]);
  });

  it('filters by a lower and an upper bound of the baseline tiered percentage', async () => {
    expect(await listed('baseline_gteq=100')).toEqual([ids.one, ids.two]);
    expect(await listed('baseline_gteq=1')).toEqual([ids.half, ids.one, ids.two]);
    expect(await listed('baseline_lteq=99')).toEqual([ids.none, ids.half]);
    // Combined with the level: both must hold.
    expect(await listed('baseline_level=in_progress&baseline_gteq=1')).toEqual([ids.half]);
  });

  it('sorts by baseline progress in both directions', async () => {
    expect(await listed('sort=baseline_tiered_percentage')).toEqual([ids.none, ids.half, ids.one, ids.two]);
    expect(await listed('sort=baseline_tiered_percentage&sort_direction=desc')).toEqual([ids.two, ids.one, ids.half, ids.none]);
  });

  it('filters the HTML list and the CSV the same way, and offers the level in the filter form', async () => {
    const html = await request(t.app).get(`/projects?q=${tag}&baseline_level=baseline-1`).expect(200);
    expect(html.text).toContain(`${tag} one`);
    expect(html.text).not.toContain(`${tag} two`);
    expect(html.text).toMatch(/<option value="baseline-1" selected>/);
    expect(html.text).toContain('<option value="baseline_tiered_percentage">OSPS Baseline progress</option>');
    const csv = await request(t.app).get(`/projects.csv?q=${tag}&baseline_gteq=200`).expect(200);
    expect(csv.text).toContain(`${tag} two`);
    expect(csv.text).not.toContain(`${tag} one`);
  });

  it('selects the same projects in the bulk export', async () => {
    const res = await request(t.app).get('/projects.json?all=1&baseline_level=baseline-2').expect(200);
    const exported = (JSON.parse(res.text) as { id: number }[]).map((p) => p.id);
    expect(exported).toContain(ids.two);
    expect(exported).not.toContain(ids.one);
  });

  it('refuses an unknown level or a bad bound with a 400 naming what is accepted', async () => {
    const level = await request(t.app).get('/projects.json?baseline_level=baseline-4').expect(400);
    expect((level.body as { details: Record<string, string> }).details.baseline_level).toBe('one of in_progress, baseline-1, baseline-2, baseline-3');
    const bound = await request(t.app).get('/projects.json?baseline_gteq=-5').expect(400);
    expect((bound.body as { details: Record<string, string> }).details).toHaveProperty('baseline_gteq');
  });
});
