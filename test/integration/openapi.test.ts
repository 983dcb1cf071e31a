import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { displayId } from '../../src/criteria/index.ts';
import type { StoredAnswers } from '../../src/db/types.ts';
import { badgeJsonSchema, baselineBadgeJsonSchema, errorJsonSchema, listQuerySchema, projectJsonSchema } from '../../src/presenters/schemas.ts';
import { LIST_PARAMS } from '../../src/services/list.ts';
import { buildOpenApi } from '../../src/presenters/openapi.ts';
import { STATUS } from '../../src/services/scoring/index.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { createProject, createUser } from '../support/factories.ts';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
});

afterAll(async () => {
  await t.close();
});

const PATHS = ['/projects/{id}.json', '/projects/{id}/badge', '/projects/{id}/badge.json', '/projects/{id}/baseline', '/projects/{id}/baseline.json', '/projects/{id}/bestpractices.json', '/projects/{id}/security-insights.yml', '/projects.json', '/projects.csv', '/badge_static/{value}'];

/** Met answers (with justification) for every criterion of the levels, plus a few N/A, Unmet and a baseline answer. */
function answersFor(levels: string[]): StoredAnswers {
  const answers: StoredAnswers = {};
  for (const key of levels) {
    for (const c of t.ctx.criteria.level(key)!.criteria) {
      answers[c.id] = { status: STATUS.met, justification: `Evidence: https://example.org/${c.id}` };
    }
  }
  const baseline = t.ctx.criteria.series('baseline')[0]!.criteria[0]!;
  answers[baseline.id] = { status: STATUS.unmet, justification: 'Not yet.' };
  return answers;
}

async function projectsAtSeveralLevels() {
  const owner = await createUser(t.ctx);
  return Promise.all([
    createProject(t.ctx, owner),
    createProject(t.ctx, owner, { answers: answersFor(['passing']), homepageUrl: 'https://example.org/home' }),
    createProject(t.ctx, owner, { answers: answersFor(['passing', 'silver']) }),
    createProject(t.ctx, owner, { answers: answersFor(['passing', 'silver', 'gold']) }),
  ]);
}

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3.1.0 document of the public read routes, public and cookie-free', async () => {
    const res = await request(t.app).get('/openapi.json').expect(200).expect('Content-Type', /^application\/json/);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['set-cookie']).toBeUndefined();
    const doc = res.body as ReturnType<typeof buildOpenApi>;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers).toEqual([{ url: t.ctx.config.publicUrl }]);
    expect(Object.keys(doc.paths).sort()).toEqual([...PATHS].sort());
    expect(doc.paths['/projects/{id}/badge']!.get.responses['200']!.content).toHaveProperty(['image/svg+xml']);
    const listParams = doc.paths['/projects.json']!.get.parameters;
    for (const name of ['status', 'gteq', 'lteq', 'url', 'pq', 'q', 'ids', 'sort', 'sort_direction', 'page', 'as']) {
      const param = listParams.find((p) => p.name === name);
      expect(param, name).toBeDefined();
      expect(param!.in).toBe('query');
      expect(param!.description.length, name).toBeGreaterThan(3);
    }
    expect(Object.keys(doc.components.schemas).sort()).toEqual(['Badge', 'BaselineBadge', 'Error', 'Project']);
    const project = doc.components.schemas.Project as { properties: Record<string, unknown>; additionalProperties: boolean };
    expect(project.additionalProperties).toBe(false);
    for (const id of t.ctx.criteria.ids) {
      const key = displayId(t.ctx.criteria.definitions(id)[0]!);
      expect(project.properties[`${key}_status`], key).toEqual({ type: 'string', enum: ['Met', 'Unmet', 'N/A', '?'] });
    }
    // The served document is the cached one.
    expect(res.body).toEqual(JSON.parse(JSON.stringify(buildOpenApi(t.ctx.criteria, t.ctx.config.publicUrl))));
    expect(buildOpenApi(t.ctx.criteria, t.ctx.config.publicUrl)).toBe(buildOpenApi(t.ctx.criteria, t.ctx.config.publicUrl));
  });

  it('documents exactly the list parameters the list service accepts', () => {
    expect(Object.keys(listQuerySchema.shape).sort()).toEqual([...LIST_PARAMS].sort());
  });
});

describe('responses match the published schemas', () => {
  it('project JSON, badge JSON and every element of the list parse', async () => {
    const projects = await projectsAtSeveralLevels();
    const projectSchema = projectJsonSchema(t.ctx.criteria);
    const badgeSchema = badgeJsonSchema(t.ctx.criteria);
    const levels = new Set<string>();
    for (const project of projects) {
      const one = await request(t.app).get(`/projects/${project.id}.json`).expect(200);
      const parsed = projectSchema.parse(one.body);
      expect(parsed.id).toBe(project.id);
      levels.add(parsed.badge_level);
      const badge = badgeSchema.parse((await request(t.app).get(`/projects/${project.id}/badge.json`).expect(200)).body);
      expect(badge.badge_level).toBe(parsed.badge_level);
    }
    expect([...levels].sort()).toEqual(['gold', 'in_progress', 'passing', 'silver']);
    // Justifications are present in the wire shape and accepted by the schema.
    const gold = projectSchema.parse((await request(t.app).get(`/projects/${projects[3].id}.json`).expect(200)).body);
    expect(Object.keys(gold).some((k) => k.endsWith('_justification'))).toBe(true);

    const list = await request(t.app).get(`/projects.json?ids=${projects.map((p) => p.id).join(',')}`).expect(200);
    const elements = list.body as unknown[];
    expect(elements).toHaveLength(projects.length);
    for (const element of elements) projectSchema.parse(element);
  });

  it('baseline badge JSON parses for in-progress and complete baseline levels', async () => {
    const schema = baselineBadgeJsonSchema(t.ctx.criteria);
    const owner = await createUser(t.ctx);
    const met = (levels: string[]): StoredAnswers =>
      Object.fromEntries(levels.flatMap((l) => t.ctx.criteria.level(l)!.criteria.map((c) => [c.id, { status: STATUS.met, justification: null }])));
    const seen: string[] = [];
    for (const answers of [{}, met(['baseline-1']), met(['baseline-1', 'baseline-2', 'baseline-3'])]) {
      const project = await createProject(t.ctx, owner, { answers });
      seen.push(schema.parse((await request(t.app).get(`/projects/${project.id}/baseline.json`).expect(200)).body).badge_level);
    }
    expect(seen).toEqual(['baseline-pct-0', 'baseline-1', 'baseline-3']);
    // The checks can fail.
    const valid = { id: 1, name: null, updated_at: '2026-01-02T03:04:05.678Z', badge_level: 'baseline-2', badge_percentage: 100 };
    expect(schema.safeParse(valid).success).toBe(true);
    for (const badge_level of ['in_progress', 'baseline-pct-100', 'baseline-4', 'passing']) expect(schema.safeParse({ ...valid, badge_level }).success, badge_level).toBe(false);
    expect(schema.safeParse({ ...valid, tiered_percentage: 0 }).success).toBe(false);
  });

  it('list errors match the error schema', async () => {
    const res = await request(t.app).get('/projects.json?gteq=abc').expect(400);
    const body = errorJsonSchema.parse(res.body);
    expect(body.details).toHaveProperty('gteq');
  });

  it('rejects objects that do not have the published shape (the checks can fail)', async () => {
    const [project] = await projectsAtSeveralLevels();
    const body = projectJsonSchema(t.ctx.criteria).parse((await request(t.app).get(`/projects/${project.id}.json`).expect(200)).body);
    const projectSchema = projectJsonSchema(t.ctx.criteria);
    expect(projectSchema.safeParse({ ...body, unexpected_field: 1 }).success).toBe(false);
    expect(projectSchema.safeParse({ ...body, description_good_status: 'Maybe' }).success).toBe(false);
    expect(projectSchema.safeParse({ ...body, created_at: 'yesterday' }).success).toBe(false);
    const withoutName: Record<string, unknown> = { ...body };
    delete withoutName.name;
    expect(projectSchema.safeParse(withoutName).success).toBe(false);
    expect(badgeJsonSchema(t.ctx.criteria).safeParse({ id: '1', name: null, updated_at: body.updated_at, badge_level: 'platinum', tiered_percentage: 0 }).success).toBe(false);
    expect(errorJsonSchema.safeParse({ error: 'x' }).success).toBe(false);
  });
});

describe('GET /api', () => {
  it('renders every path, parameter and response type as HTML, without inline scripts or a cookie', async () => {
    const res = await request(t.app).get('/api').expect(200).expect('Content-Type', /text\/html/);
    expect(res.headers['set-cookie']).toBeUndefined();
    // The reference needs no script of its own; the layout's same-origin helpers are allowed.
    const scripts = res.text.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.every((tag) => /\ssrc="\/js\/[\w-]+\.js"/.test(tag))).toBe(true);
    expect(res.text).not.toMatch(/<script\b[^>]*>[^<]+<\/script>/);
    expect(res.text).toContain('href="/openapi.json"');
    expect(res.text).toContain('<a href="/api">API</a>');
    for (const path of PATHS) expect(res.text).toContain(`GET ${path}`);
    const doc = buildOpenApi(t.ctx.criteria, t.ctx.config.publicUrl);
    for (const param of doc.paths['/projects.json']!.get.parameters) {
      expect(res.text).toContain(`<code>${param.name}</code>`);
    }
    expect(res.text).toContain('Only projects whose tiered percentage is at least this number.');
    expect(res.text).toContain('image/svg+xml: string');
    expect(res.text).toContain('application/json: array of Project');
    expect(res.text).toContain('id="schema-Project"');
  });
});
