import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exceedsFieldLimit, MAX_BODY_FIELDS } from '../../src/http/body-limits.ts';
import { MAX_FIELD_ERRORS, addError, fieldErrors } from '../../src/services/validation.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { createProject, createUser, csrfFor, loginAs } from '../support/factories.ts';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
});

afterAll(async () => {
  await t.close();
});

function unknownKeys(count: number): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`junk_${i}`, 'x']));
}

describe('body field limits', () => {
  it('refuses a JSON edit with 18,000 unknown keys with 413, as a form with too many fields, and stores nothing', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner);
    const agent = await loginAs(t.app, owner);
    const token = await csrfFor(agent);
    const json = await agent
      .post(`/projects/${project.id}/passing/edit`)
      .set('x-csrf-token', token)
      .send({ lock_version: '0', ...unknownKeys(18_000) });
    expect(json.status).toBe(413);
    expect(json.text.length).toBeLessThan(10_000);
    const form = await agent
      .post(`/projects/${project.id}/passing/edit`)
      .type('form')
      .send({ _csrf: token, lock_version: '0', ...unknownKeys(MAX_BODY_FIELDS + 10) });
    expect(form.status).toBe(413);
    expect((await t.db.projects.findById(project.id))!.lockVersion).toBe(0);
  });

  it('counts nested keys and array elements of JSON towards the limit', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner);
    const agent = await loginAs(t.app, owner);
    const token = await csrfFor(agent);
    const nested = { a: { b: unknownKeys(1200) }, c: Array.from({ length: 900 }, () => 1) };
    await agent.post(`/projects/${project.id}/passing/edit`).set('x-csrf-token', token).send({ lock_version: '0', nested }).expect(413);
    expect(exceedsFieldLimit(unknownKeys(MAX_BODY_FIELDS))).toBe(false);
    expect(exceedsFieldLimit(unknownKeys(MAX_BODY_FIELDS + 1))).toBe(true);
    // Deep nesting is counted without recursion.
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(exceedsFieldLimit(deep)).toBe(true);
  });

  it('reports at most MAX_FIELD_ERRORS fields and one line saying more were left out', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner);
    const agent = await loginAs(t.app, owner);
    const token = await csrfFor(agent);
    const res = await agent
      .post(`/projects/${project.id}/passing/edit`)
      .set('x-csrf-token', token)
      .send({ lock_version: '0', ...unknownKeys(1_900) });
    expect(res.status).toBe(422);
    expect(res.text.match(/is not a field of this form/g)?.length).toBe(MAX_FIELD_ERRORS);
    expect(res.text).toContain(`only the first ${MAX_FIELD_ERRORS} are listed`);
    expect(res.text.length).toBeLessThan(200_000);
    expect((await t.db.projects.findById(project.id))!.lockVersion).toBe(0);
  });

  it('caps the error map itself, keeping whole-form errors', () => {
    const errors = fieldErrors();
    addError(errors, 'form', 'errors.stale');
    for (let i = 0; i < 500; i++) addError(errors, `f${i}`, 'errors.unknown_field', { field: `f${i}` });
    addError(errors, 'f0', 'errors.too_long', { max: 1 });
    expect(Object.keys(errors)).toHaveLength(MAX_FIELD_ERRORS + 1);
    expect(errors.f0).toHaveLength(2);
    expect(errors.form!.map((e) => e.key)).toEqual(['errors.stale', 'errors.more_omitted']);
  });
});
