import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { displayId } from '../../src/criteria/index.ts';
import { STATUS } from '../../src/services/scoring/index.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { createProject, createUser } from '../support/factories.ts';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp({ PUBLIC_URL: 'https://badges.example.org' });
});

afterAll(async () => {
  await t.close();
});

describe('GET /projects/:id/:level.md', () => {
  it('exports the level as a Markdown checklist', async () => {
    const level = t.ctx.criteria.level('passing')!;
    const met = level.criteria[0]!;
    const na = level.criteria.find((c) => c.na_allowed && c !== met)!;
    const [unmet, unknown] = level.criteria.filter((c) => c !== met && c !== na);
    if (!unmet || !unknown) throw new Error('passing needs at least four criteria');
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner, {
      name: 'Markdown Widget',
      answers: {
        [met.id]: { status: STATUS.met, justification: 'We do this.\nSee https://example.org/proof' },
        [na.id]: { status: STATUS.na, justification: null },
        [unmet.id]: { status: STATUS.unmet, justification: null },
      },
    });
    const res = await request(t.app).get(`/projects/${project.id}/passing.md`).expect(200);
    expect(res.headers['content-type']).toBe('text/markdown; charset=utf-8');
    expect(res.headers['set-cookie']).toBeUndefined();
    const text = res.text;
    const lines = text.split('\n');
    expect(lines[0]).toBe('# Markdown Widget');
    expect(text).toContain(`## [Passing](https://badges.example.org/projects/${project.id}/passing)`);
    // Majors and minors as nested bullets.
    expect(lines).toContain(`- ${level.sections[0]!.major}`);
    expect(lines).toContain(`  - ${level.sections[0]!.groups[0]!.minor}`);
    // One task item per criterion, checked for Met and N/A only.
    const items = lines.filter((l) => /^ {4}- \[[ x]\] /.test(l));
    expect(items).toHaveLength(level.criteria.length);
    const itemFor = (id: string) => lines.find((l) => l.startsWith('    - [') && l.endsWith(`[${id}]`));
    expect(itemFor(met.id)).toMatch(/^ {4}- \[x\] /);
    expect(itemFor(met.id)).toContain(met.description.slice(0, 30));
    expect(itemFor(na.id)).toMatch(/^ {4}- \[x\] /);
    expect(itemFor(unmet.id)).toMatch(/^ {4}- \[ \] /);
    expect(itemFor(unknown.id)).toMatch(/^ {4}- \[ \] /);
    expect(items.filter((l) => l.startsWith('    - [x]'))).toHaveLength(2);
    // Justification as an indented quote, line by line.
    expect(text).toContain('      > We do this.\n      > See https://example.org/proof');
    expect(lines.filter((l) => l.trim()).at(-1)).toMatch(/^Generated at \d{4}-\d\d-\d\dT/);
  });

  it('shows baseline ids in their OSPS form', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner);
    const level = t.ctx.criteria.level('baseline-1')!;
    const res = await request(t.app).get(`/projects/${project.id}/baseline-1.md`).expect(200);
    expect(res.text).toContain(`[${displayId(level.criteria[0]!)}]`);
    expect(res.text.split('\n').filter((l) => l.startsWith('    - ['))).toHaveLength(level.criteria.length);
  });

  it('does not take ".md" for part of a level name, and the HTML page still works', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner);
    await request(t.app).get(`/projects/${project.id}/passing`).expect(200).expect('Content-Type', /text\/html/);
    const page = await request(t.app).get(`/projects/${project.id}/silver`).expect(200);
    expect(page.text).toContain(`href="/projects/${project.id}/silver.md"`);
  });

  it('redirects legacy level names and answers 404 for unknown levels and projects', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner);
    const res = await request(t.app).get(`/projects/${project.id}/1.md`).expect(301);
    expect(res.headers.location).toBe(`/projects/${project.id}/silver.md`);
    await request(t.app).get(`/projects/${project.id}/platinum.md`).expect(404);
    await request(t.app).get(`/projects/${project.id + 100000}/passing.md`).expect(404);
    await request(t.app).get('/projects/0/passing.md').expect(404);
  });
});
