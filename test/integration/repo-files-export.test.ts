import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import type { ProjectWithOwner, StoredAnswers } from '../../src/db/types.ts';
import { bestPracticesJsonProposals, repoJsonKeys } from '../../src/services/automation/repo-json.ts';
import { loadSecurityInsightsRules, lookup, securityInsightsProposals } from '../../src/services/automation/security-insights.ts';
import { STATUS } from '../../src/services/scoring/index.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { createProject, createUser } from '../support/factories.ts';

/** The answers as repository files: /projects/:id/bestpractices.json and /security-insights.yml. */

let t: TestApp;
let project: ProjectWithOwner;

const ANSWERS: StoredAnswers = {
  contribution: { status: STATUS.met, justification: 'See https://example.org/widget/CONTRIBUTING.md for how.' },
  vulnerability_report_process: { status: STATUS.met, justification: 'https://example.org/widget/SECURITY.md' },
  static_analysis: { status: STATUS.met, justification: null },
  osps_vm_06_02: { status: STATUS.met, justification: 'CodeQL runs on every pull request.' },
  maintained: { status: STATUS.met, justification: null },
  crypto_published: { status: STATUS.na, justification: 'No cryptography.' },
  release_notes: { status: STATUS.unmet, justification: null },
  osps_ac_01_01: { status: STATUS.met, justification: 'MFA required by the organisation.' },
  // "?" with a justification: not an answer, left out.
  build: { status: STATUS.unknown, justification: 'draft note' },
};

beforeAll(async () => {
  t = await buildTestApp();
  const owner = await createUser(t.ctx, { name: 'Export Owner' });
  const created = await createProject(t.ctx, owner, { name: 'Widget', repoUrl: 'https://github.com/acme/widget', homepageUrl: 'https://widget.example.org', answers: ANSWERS });
  await t.ctx.db.projects.update(created.id, created.lockVersion, { answers: ANSWERS, license: 'MIT' }, t.ctx.now());
  project = (await t.ctx.db.projects.findById(created.id))!;
});

afterAll(async () => {
  await t.close();
});

const SHARED_HEADERS = (res: request.Response, type: string, filename: string) => {
  expect(res.headers['content-type']).toBe(`${type}; charset=utf-8`);
  expect(res.headers['content-disposition']).toBe(`attachment; filename="${filename}"`);
  expect(res.headers['access-control-allow-origin']).toBe('*');
  expect(res.headers['set-cookie']).toBeUndefined();
  expect(res.headers['surrogate-key']).toBe(`projects/${project.id}`);
};

describe('GET /projects/:id/bestpractices.json', () => {
  it('is an attachment with every known answer in criteria order, internal keys, no unknowns', async () => {
    const res = await request(t.app).get(`/projects/${project.id}/bestpractices.json`).buffer(true).parse((r, cb) => {
      let text = '';
      r.on('data', (c: Buffer) => (text += c.toString('utf8')));
      r.on('end', () => { cb(null, text); });
    }).expect(200);
    SHARED_HEADERS(res, 'application/json', 'bestpractices.json');
    const text = res.body as string;
    const doc = JSON.parse(text) as Record<string, string>;
    expect(Object.keys(doc)[0]).toBe('_source');
    expect(doc._source).toBe(`${t.ctx.config.publicUrl}/projects/${project.id}`);
    expect(doc.name).toBe('Widget');
    expect(doc.license).toBe('MIT');
    expect(doc.contribution_status).toBe('Met');
    expect(doc.crypto_published_status).toBe('N/A');
    expect(doc.crypto_published_justification).toBe('No cryptography.');
    expect(doc.release_notes_status).toBe('Unmet');
    expect(doc.release_notes_justification).toBeUndefined();
    expect(doc.osps_ac_01_01_status).toBe('Met');
    expect(doc['OSPS-AC-01.01_status']).toBeUndefined();
    expect(doc.build_status).toBeUndefined();
    expect(doc.build_justification).toBeUndefined();
    // Criteria order, status before justification.
    const keys = Object.keys(doc).filter((k) => k.endsWith('_status'));
    const order = t.ctx.criteria.ids.filter((id) => keys.includes(`${id}_status`)).map((id) => `${id}_status`);
    expect(keys).toEqual(order);
    expect(Object.keys(doc).indexOf('contribution_justification')).toBe(Object.keys(doc).indexOf('contribution_status') + 1);
    expect(text.endsWith('}\n')).toBe(true);

    // Read back by the detective's parser: the same answers.
    const result = bestPracticesJsonProposals(text, repoJsonKeys(t.ctx.criteria), { name: '.bestpractices.json' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    for (const [id, answer] of Object.entries(ANSWERS)) {
      if (answer.status === STATUS.unknown) {
        expect(result.proposals[`${id}_status`]).toBeUndefined();
        continue;
      }
      expect(result.proposals[`${id}_status`]?.value).toBe(answer.status);
      expect(result.proposals[`${id}_justification`]?.value).toBe(answer.justification ?? undefined);
    }
  });

  it('is the same file every time (stable for commits) and under a locale prefix', async () => {
    const a = await request(t.app).get(`/projects/${project.id}/bestpractices.json`).expect(200);
    const b = await request(t.app).get(`/de/projects/${project.id}/bestpractices.json`).set('Accept-Language', 'ja').expect(200);
    expect(b.text).toBe(a.text);
  });

  it('answers 404 for a missing or deleted project, 400 for a bad id', async () => {
    await request(t.app).get('/projects/999999/bestpractices.json').expect(404);
    await request(t.app).get('/projects/abc/bestpractices.json').expect((res) => { expect([400, 404]).toContain(res.status); });
    const owner = await createUser(t.ctx);
    const gone = await createProject(t.ctx, owner);
    await t.ctx.db.admin.softDeleteProject(gone.id, owner.id, 'Removed because it was a duplicate entry.', new Date());
    await request(t.app).get(`/projects/${gone.id}/bestpractices.json`).expect(404);
    await request(t.app).get(`/projects/${gone.id}/security-insights.yml`).expect(404);
  });

  it('answers a CORS preflight like the project JSON', async () => {
    const res = await request(t.app).options(`/projects/${project.id}/security-insights.yml`).set('Origin', 'https://elsewhere.example').set('Access-Control-Request-Method', 'GET').expect(204);
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });
});

describe('GET /projects/:id/security-insights.yml', () => {
  const rules = loadSecurityInsightsRules();

  it('is a YAML attachment whose facts, read forwards, agree with every answer', async () => {
    const res = await request(t.app).get(`/projects/${project.id}/security-insights.yml`).set('Accept-Language', 'en').expect(200);
    SHARED_HEADERS(res, 'application/yaml', 'SECURITY-INSIGHTS.yml');
    expect(res.headers.vary).toMatch(/Accept-Language/);
    const text = res.text;
    expect(text.startsWith('# DRAFT')).toBe(true);
    const doc: unknown = YAML.parse(text);
    const at = (path: string) => lookup(doc, path);
    expect(at('header.schema-version')).toBe('2.0.0');
    expect(at('header.last-updated')).toBe(project.updatedAt.toISOString().slice(0, 10));
    expect(at('project.name')).toBe('Widget');
    expect(at('repository.url')).toBe('https://github.com/acme/widget');
    expect(at('repository.license.expression')).toBe('MIT');
    expect(at('repository.status')).toBe('active');
    expect(at('project.vulnerability-reporting.reports-accepted')).toBe(true);
    expect(at('repository.documentation.contributing-guide')).toBe('https://example.org/widget/CONTRIBUTING.md');
    const tools = at('repository.security.tools') as unknown[];
    expect(tools.find((tool) => lookup(tool, 'type') === 'SAST')).toMatchObject({ integration: { ci: true } });
    // Nothing for an Unmet release_notes: no changelog claimed.
    expect(at('repository.release.changelog') ?? null).toBeNull();
    // Comments tell the maintainer what to fill in.
    expect(text).toContain('# Required by the format: fill this in.');
    expect(text).toContain('# From your answers: static_analysis (Met)');

    const result = securityInsightsProposals(text, rules, { name: 'SECURITY-INSIGHTS.yml' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.proposals.vulnerability_report_process_status?.value).toBe(STATUS.met);
    expect(result.proposals.static_analysis_status?.value).toBe(STATUS.met);
    for (const [field, proposal] of Object.entries(result.proposals)) {
      const answer = ANSWERS[field.slice(0, -'_status'.length)];
      if (answer && answer.status !== STATUS.unknown) expect(proposal.value, field).toBe(answer.status);
    }
  });

  it('writes its comments in the language of the request (prefix, then Accept-Language)', async () => {
    const de = await request(t.app).get(`/de/projects/${project.id}/security-insights.yml`).expect(200);
    expect(de.text).toContain('# ENTWURF');
    expect(de.text).toContain('Vom Format verlangt');
    expect(de.headers['content-disposition']).toBe('attachment; filename="SECURITY-INSIGHTS.yml"');
    const ja = await request(t.app).get(`/projects/${project.id}/security-insights.yml`).set('Accept-Language', 'ja').expect(200);
    expect(ja.text).toContain('下書き');
    // Same facts whatever the language.
    expect(YAML.parse(ja.text)).toEqual(YAML.parse(de.text));
  });
});

describe('an entry without a name or answers', () => {
  it('gives a JSON with only its source (computed prerequisites are no answers) and a draft that asks for the name', async () => {
    const owner = await createUser(t.ctx);
    const bare = await createProject(t.ctx, owner, { repoUrl: null });
    await t.ctx.db.projects.update(bare.id, bare.lockVersion, { name: null }, t.ctx.now());
    const json = await request(t.app).get(`/projects/${bare.id}/bestpractices.json`).expect(200);
    expect(json.body).toEqual({ _source: `${t.ctx.config.publicUrl}/projects/${bare.id}` });
    const yml = await request(t.app).get(`/projects/${bare.id}/security-insights.yml`).set('Accept-Language', 'en').expect(200);
    expect(yml.text).toContain(`"#${bare.id}"`);
    expect(yml.text).toMatch(/# Required by the format: fill this in\.\n {2}name:\n/);
    const result = securityInsightsProposals(yml.text, loadSecurityInsightsRules(), { name: 'SECURITY-INSIGHTS.yml' });
    expect(result).toEqual({ ok: true, proposals: {} });
  });
});

describe('the project page', () => {
  it('offers both downloads to anonymous visitors, keeping the page language', async () => {
    const level = t.ctx.criteria.levels[0]!.key;
    const page = (await request(t.app).get(`/projects/${project.id}/${level}`).expect(200)).text;
    expect(page).toContain(`href="/projects/${project.id}/bestpractices.json" download="bestpractices.json"`);
    expect(page).toContain(`href="/projects/${project.id}/security-insights.yml" download="SECURITY-INSIGHTS.yml"`);
    const german = (await request(t.app).get(`/de/projects/${project.id}/${level}`).expect(200)).text;
    expect(german).toContain(`href="/de/projects/${project.id}/security-insights.yml"`);
  });
});
