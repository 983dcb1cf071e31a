import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { fieldErrors, refuseUnknownFields } from '../../src/services/validation.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { createProject, createUser, csrfFor, csrfFrom, DEFAULT_PASSWORD, loginAs } from '../support/factories.ts';

/**
 * Field names that are also members of every plain object. A service that reads `input[name]` or
 * `errors[name]` without an own-property check finds a function there instead of nothing.
 */
const NAMES = ['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__'] as const;

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
});

afterAll(async () => {
  await t.close();
});

async function count(table: string): Promise<number> {
  const { rows } = await t.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0]!.n;
}

/** Row counts of everything a refused form could have written. */
async function snapshot() {
  const tables = ['users', 'projects', 'project_changes', 'additional_rights', 'ownership_transfers', 'outbox'];
  return Object.fromEntries(await Promise.all(tables.map(async (table) => [table, await count(table)] as const)));
}

/** A urlencoded body with `name=1` added, written raw so "__proto__" arrives as typed. */
function formWith(fields: Record<string, string>, name: string): string {
  return [...Object.entries(fields).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`), `${name}=1`].join('&');
}

/** A JSON body with `"name": "1"` added, as a raw string so "__proto__" is an ordinary key. */
function jsonWith(fields: Record<string, string>, name: string): string {
  return `{${[...Object.entries(fields).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`), `${JSON.stringify(name)}:"1"`].join(',')}}`;
}

type Send = (agent: TestAgent, path: string, fields: Record<string, string>, name: string) => Promise<request.Response>;

const asForm: Send = (agent, path, fields, name) => agent.post(path).type('form').send(formWith(fields, name));
const asJson: Send = (agent, path, fields, name) =>
  agent
    .post(path)
    .set('Content-Type', 'application/json')
    .set('x-csrf-token', fields._csrf ?? '')
    .send(jsonWith(fields, name));
const asJsonPatch: Send = (agent, path, fields, name) =>
  agent
    .patch(path)
    .set('Content-Type', 'application/json')
    .set('x-csrf-token', fields._csrf ?? '')
    .send(jsonWith(fields, name));

const ENCODINGS = [
  ['form', asForm],
  ['JSON', asJson],
] as const;

const CASES = ENCODINGS.flatMap(([encoding, send]) => NAMES.map((name) => [name, encoding, send] as const));

/** The refusal must name the field as unknown, and the page must not have become a 500. */
function expectUnknownField(res: request.Response, name: string) {
  expect(res.status, res.text.slice(0, 500)).toBe(422);
  expect(res.text).toContain('is not a field of this form');
  // HTML escapes the quotes around the name, JSON keeps the name itself.
  expect(res.text).toContain(name);
}

describe('form fields named like built-in object properties', () => {
  it.each(CASES)('POST /projects refuses %s (%s) with 422 and stores nothing', async (name, _encoding, send) => {
    const owner = await createUser(t.ctx);
    const agent = await loginAs(t.app, owner);
    const token = await csrfFor(agent);
    const before = await snapshot();
    const res = await send(agent, '/projects', { _csrf: token, name: 'Proto', repo_url: `https://example.org/proto-${name}-${Date.now()}` }, name);
    expectUnknownField(res, name);
    expect(await snapshot()).toEqual(before);
  });

  const EDITS = [...CASES, ...NAMES.map((name) => [name, 'JSON PATCH', asJsonPatch] as const)];

  it.each(EDITS)('POST /projects/:id/passing/edit refuses %s (%s) with 422 and stores nothing', async (name, _encoding, send) => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner);
    const agent = await loginAs(t.app, owner);
    const token = await csrfFor(agent);
    const before = await snapshot();
    const res = await send(agent, `/projects/${project.id}/passing/edit`, { _csrf: token, lock_version: '0', name: 'Renamed' }, name);
    expectUnknownField(res, name);
    expect(await snapshot()).toEqual(before);
    const after = await t.db.projects.findById(project.id);
    expect(after!.lockVersion).toBe(0);
    expect(after!.name).toBe(project.name);
  });

  it.each(CASES)('POST /projects/:id/collaborators refuses %s (%s) with 422 and stores nothing', async (name, _encoding, send) => {
    const owner = await createUser(t.ctx);
    const other = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner);
    const agent = await loginAs(t.app, owner);
    const token = await csrfFor(agent, `/projects/${project.id}/collaborators`);
    const before = await snapshot();
    const res = await send(agent, `/projects/${project.id}/collaborators`, { _csrf: token, collaborator: String(other.id) }, name);
    expectUnknownField(res, name);
    expect(await snapshot()).toEqual(before);
  });

  it.each(CASES)('POST /projects/:id/transfer refuses %s (%s) with 422 and stores nothing', async (name, _encoding, send) => {
    const owner = await createUser(t.ctx);
    const other = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner);
    const agent = await loginAs(t.app, owner);
    const token = await csrfFor(agent, `/projects/${project.id}/transfer`);
    const before = await snapshot();
    const res = await send(agent, `/projects/${project.id}/transfer`, { _csrf: token, recipient: String(other.id) }, name);
    expectUnknownField(res, name);
    expect(await snapshot()).toEqual(before);
  });

  it.each(CASES)('POST /users (sign-up) refuses %s (%s) with 422 and stores nothing', async (name, _encoding, send) => {
    const agent = request.agent(t.app);
    const page = await agent.get('/signup').expect(200);
    const before = await snapshot();
    const fields = {
      _csrf: csrfFrom(page.text),
      name: 'Proto Person',
      email: `proto-${name.replaceAll('_', '')}-${Date.now()}@example.org`,
      password: DEFAULT_PASSWORD,
      password_confirmation: DEFAULT_PASSWORD,
    };
    const res = await send(agent, '/users', fields, name);
    expectUnknownField(res, name);
    expect(await snapshot()).toEqual(before);
  });

  it.each(CASES)('POST /login answers %s (%s) with its normal refusal, never 500', async (name, _encoding, send) => {
    const user = await createUser(t.ctx);
    const agent = request.agent(t.app);
    const page = await agent.get('/login').expect(200);
    const res = await send(agent, '/login', { _csrf: csrfFrom(page.text), email: user.email!, password: 'not the password' }, name);
    expect([401, 422]).toContain(res.status);
  });

  it.each(CASES)('POST /account (profile) refuses %s (%s) with 422 and stores nothing', async (name, _encoding, send) => {
    const user = await createUser(t.ctx, { name: 'Before Name' });
    const agent = await loginAs(t.app, user);
    const token = await csrfFor(agent, '/account');
    const res = await send(agent, '/account', { _csrf: token, name: 'After Name', preferred_locale: 'en' }, name);
    expectUnknownField(res, name);
    expect((await t.db.users.findById(user.id))!.name).toBe('Before Name');
  });

  it('keeps every error map free of a prototype, so a field name never meets an inherited member', () => {
    const body = JSON.parse('{"__proto__":"1","constructor":"1","toString":"1"}') as Record<string, unknown>;
    const errors = refuseUnknownFields(body, ['_csrf']);
    expect(Object.getPrototypeOf(errors)).toBeNull();
    expect(Object.keys(errors).sort()).toEqual(['__proto__', 'constructor', 'toString']);
    expect(errors.__proto__).toEqual([{ key: 'errors.unknown_field', values: { field: '__proto__' } }]);
    expect(Object.getPrototypeOf(fieldErrors())).toBeNull();
  });
});
