import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { STATUS } from '../../src/services/scoring/index.ts';
import type { StoredAnswers } from '../../src/db/types.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { createProject, createUser } from '../support/factories.ts';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
});

afterAll(async () => {
  await t.close();
});

function metAnswers(levels: string[]): StoredAnswers {
  const answers: StoredAnswers = {};
  for (const key of levels) {
    for (const c of t.ctx.criteria.level(key)!.criteria) {
      answers[c.id] = { status: STATUS.met, justification: `Evidence: https://example.org/${c.id}` };
    }
  }
  return answers;
}

/** supertest leaves image bodies as Buffers; read the SVG as text. */
async function getSvg(path: string): Promise<request.Response & { svg: string }> {
  const res = await request(t.app)
    .get(path)
    .buffer(true)
    .parse((response, callback) => {
      let data = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (data += chunk));
      response.on('end', () => {
        callback(null, data);
      });
    });
  return Object.assign(res, { svg: res.body as string });
}

function expectCdnCacheable(res: request.Response, id: number) {
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers['surrogate-control']).toBe('max-age=864000, stale-if-error=8640000');
  expect(res.headers['surrogate-key']).toBe(`projects/${id}`);
  expect(res.headers['set-cookie']).toBeUndefined();
}

describe('GET /projects/:id/badge', () => {
  it('shows "in progress N%" for an unfinished project, with CDN cache headers and no cookie', async () => {
    const project = await createProject(t.ctx, await createUser(t.ctx));
    const res = await getSvg(`/projects/${project.id}/badge`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    expect(res.svg).toContain('aria-label="openssf best practices: in progress 0%"');
    expectCdnCacheable(res, project.id);
  });

  it.each([
    [['passing'], 'passing', 'fill="#4c1"'],
    [['passing', 'silver'], 'silver', 'fill="#c0c0c0"'],
    [['passing', 'silver', 'gold'], 'gold', 'fill="#ffd700"'],
  ])('renders the %j level badge', async (levels, name, colour) => {
    const project = await createProject(t.ctx, await createUser(t.ctx), { answers: metAnswers(levels) });
    for (const path of [`/projects/${project.id}/badge`, `/projects/${project.id}/badge.svg`]) {
      const res = await getSvg(path);
      expect(res.status).toBe(200);
      expect(res.svg).toContain(`<title>openssf best practices: ${name}</title>`);
      expect(res.svg).toContain(colour);
    }
  });

  it('accepts the documented styles and rejects others with a JSON-free 400', async () => {
    const project = await createProject(t.ctx, await createUser(t.ctx));
    await request(t.app).get(`/projects/${project.id}/badge?style=flat-square`).expect(200);
    await request(t.app).get(`/projects/${project.id}/badge?style=neon`).expect(400);
  });

  it('answers 404 for unknown or malformed ids', async () => {
    await request(t.app).get('/projects/999999/badge').expect(404);
    await request(t.app).get('/projects/0/badge').expect(404);
    await request(t.app).get('/projects/abc/badge').expect(404);
  });
});

describe('GET /projects/:id/badge.json', () => {
  it('returns the upstream badge fields', async () => {
    const project = await createProject(t.ctx, await createUser(t.ctx), { answers: metAnswers(['passing']) });
    const res = await request(t.app).get(`/projects/${project.id}/badge.json`).expect(200);
    expect(Object.keys(res.body as object).sort()).toEqual(['badge_level', 'id', 'name', 'tiered_percentage', 'updated_at']);
    expect(res.body).toMatchObject({ id: project.id, badge_level: 'passing' });
    expect((res.body as { tiered_percentage: number }).tiered_percentage).toBeGreaterThanOrEqual(100);
    expectCdnCacheable(res, project.id);
  });

  it('gives a JSON 404 body', async () => {
    const res = await request(t.app).get('/projects/999999/badge.json').expect(404);
    expect(res.body).toEqual({ error: 'The project was not found.', details: null });
  });
});

describe('GET /projects/:id.json', () => {
  it('has every criterion as <id>_status strings and justifications only when present', async () => {
    const owner = await createUser(t.ctx, { name: 'Ada Maintainer' });
    const project = await createProject(t.ctx, owner, {
      answers: {
        description_good: { status: STATUS.met, justification: 'It is described.' },
        interact: { status: STATUS.unmet, justification: null },
        build: { status: STATUS.na, justification: null },
      },
    });
    const res = await request(t.app).get(`/projects/${project.id}.json`).expect(200);
    const body = res.body as Record<string, unknown>;
    expectCdnCacheable(res, project.id);
    for (const id of t.ctx.criteria.ids) {
      const key = id.startsWith('osps_') ? id.replace(/^osps_(\w\w)_(\d\d)_(\d\d)$/, (_m, a: string, b: string, c: string) => `OSPS-${a.toUpperCase()}-${b}.${c}`) : id;
      expect(['Met', 'Unmet', 'N/A', '?']).toContain(body[`${key}_status`]);
    }
    expect(body).toMatchObject({
      id: project.id,
      user_id: owner.id,
      description_good_status: 'Met',
      description_good_justification: 'It is described.',
      interact_status: 'Unmet',
      build_status: 'N/A',
      english_status: '?',
      'OSPS-AC-01.01_status': '?',
      badge_level: 'in_progress',
      badge_percentage_0: project.badgePercentage0,
      tiered_percentage: project.tieredPercentage,
      additional_rights: [],
      homepage_url_status: '?',
      report_url_status: '?',
      project_entry_attribution: 'Please credit Ada Maintainer and the OpenSSF Best Practices badge contributors.',
      project_entry_license: 'CDLA-Permissive-2.0',
    });
    expect(body).not.toHaveProperty('interact_justification');
    expect(body.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(body).not.toHaveProperty('answers');
  });

  it('includes the upstream scalar fields', async () => {
    const project = await createProject(t.ctx, await createUser(t.ctx));
    const body = (await request(t.app).get(`/projects/${project.id}.json`).expect(200)).body as Record<string, unknown>;
    for (const key of [
      'id', 'user_id', 'name', 'description', 'homepage_url', 'repo_url', 'license', 'implementation_languages', 'cpe',
      'general_comments', 'entry_locale', 'lock_version', 'created_at', 'updated_at', 'badge_percentage_0', 'badge_percentage_1',
      'badge_percentage_2', 'badge_percentage_baseline_1', 'badge_percentage_baseline_2', 'badge_percentage_baseline_3',
      'tiered_percentage', 'baseline_tiered_percentage', 'achieved_passing_at', 'first_achieved_passing_at', 'lost_passing_at',
      'achieved_baseline_3_at', 'passing_saved', 'baseline_3_saved', 'repo_url_updated_at', 'last_reminder_at',
      'disabled_reminders', 'unreported_badge_loss', 'unreported_baseline_badge_loss', 'unreported_badge_warning',
      'unreported_baseline_badge_warning', 'badge_warning_effective_date', 'last_loss_sent_at', 'last_warning_sent_at',
      'badge_level', 'additional_rights', 'project_entry_attribution', 'project_entry_license',
    ]) {
      expect(body, key).toHaveProperty([key]);
    }
  });

  it('gives a JSON 404 for an unknown id', async () => {
    const res = await request(t.app).get('/projects/424242.json').expect(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });
});

describe('GET /badge_static/:value', () => {
  it.each(['0', '10', '50', '99', 'passing', 'silver', 'gold', 'baseline-2', 'baseline-pct-40'])('serves %s', async (value) => {
    const res = await request(t.app).get(`/badge_static/${value}`).expect(200);
    expect(res.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    expect(res.headers['surrogate-key']).toBe(`/badge_percent/${value}`);
  });

  it.each(['100', '05', 'platinum', '-1'])('404s on %s', async (value) => {
    await request(t.app).get(`/badge_static/${value}`).expect(404);
  });
});

describe('project JSON key set', () => {
  // The upstream field list (spec §6.1), written out here rather than taken from the presenter,
  // so a renamed or dropped key fails this test.
  const SCALAR_KEYS = [
    'id', 'user_id', 'name', 'description', 'homepage_url', 'repo_url', 'license', 'implementation_languages', 'cpe',
    'general_comments', 'entry_locale', 'lock_version', 'created_at', 'updated_at', 'homepage_url_status', 'report_url_status',
    'badge_percentage_0', 'badge_percentage_1', 'badge_percentage_2',
    'badge_percentage_baseline_1', 'badge_percentage_baseline_2', 'badge_percentage_baseline_3',
    'tiered_percentage', 'baseline_tiered_percentage',
    ...['passing', 'silver', 'gold', 'baseline_1', 'baseline_2', 'baseline_3'].flatMap((l) => [`achieved_${l}_at`, `first_achieved_${l}_at`, `lost_${l}_at`]),
    'passing_saved', 'silver_saved', 'gold_saved', 'baseline_1_saved', 'baseline_2_saved', 'baseline_3_saved',
    'repo_url_updated_at', 'last_reminder_at', 'disabled_reminders',
    'unreported_badge_loss', 'unreported_baseline_badge_loss', 'unreported_badge_warning', 'unreported_baseline_badge_warning',
    'badge_warning_effective_date', 'last_loss_sent_at', 'last_warning_sent_at',
    'badge_level', 'additional_rights', 'project_entry_attribution', 'project_entry_license',
  ];

  function wireId(id: string): string {
    return id.replace(/^osps_(\w\w)_(\d\d)_(\d\d)$/, (_m, a: string, b: string, c: string) => `OSPS-${a.toUpperCase()}-${b}.${c}`);
  }

  it('is exactly the upstream scalar fields plus <criterion>_status/_justification for every criterion', async () => {
    const answers: StoredAnswers = {};
    for (const id of t.ctx.criteria.ids) answers[id] = { status: STATUS.unmet, justification: 'Explained here.' };
    const project = await createProject(t.ctx, await createUser(t.ctx), { answers });
    const body = (await request(t.app).get(`/projects/${project.id}.json`).expect(200)).body as Record<string, unknown>;
    const expected = [...SCALAR_KEYS, ...t.ctx.criteria.ids.flatMap((id) => [`${wireId(id)}_status`, `${wireId(id)}_justification`])];
    expect(Object.keys(body).sort()).toEqual([...new Set(expected)].sort());
  });
});
