import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import type { User } from '../../src/db/types.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { createProject, createUser, csrfFor, csrfFrom, DEFAULT_PASSWORD, loginAs } from '../support/factories.ts';

let t: TestApp;
let owner: User;
let agent: TestAgent;

beforeAll(async () => {
  t = await buildTestApp();
  owner = await createUser(t.ctx);
  agent = await loginAs(t.app, owner);
});

afterAll(async () => {
  await t.close();
});

async function count(table: string): Promise<number> {
  const { rows } = await t.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0]!.n;
}

/** Characters a single-line field refuses, with the message each one gets. */
const LINE_REFUSALS: [string, string, string][] = [
  ['LF', 'a\nb', 'remove the line breaks'],
  ['CR', 'a\rb', 'remove the line breaks'],
  ['TAB', 'a\tb', 'control characters'],
  ['ESC', 'a\u001bb', 'control characters'],
  ['U+202E right-to-left override', 'gpj\u202eexe', 'change the direction of the text'],
  ['U+2066 left-to-right isolate', 'a\u2066b', 'change the direction of the text'],
  ['U+2028 line separator', 'a\u2028b', 'remove the line breaks'],
  ['U+FFFF', 'a\uffffb', 'noncharacters'],
  ['U+FDD0', 'a\ufdd0b', 'noncharacters'],
];

/** Characters multi-line text refuses even though it keeps newlines and tabs. */
const MULTILINE_REFUSALS: [string, string, string][] = [
  ['U+202E right-to-left override', 'a\u202eb', 'change the direction of the text'],
  ['U+2029 paragraph separator', 'a\u2029b', 'line or paragraph separators'],
  ['U+FFFE', 'a\ufffeb', 'noncharacters'],
  ['U+10FFFF', 'a\u{10FFFF}b', 'noncharacters'],
  ['BEL', 'a\u0007b', 'control characters'],
];

/** The page names the field in its error summary and shows the reason. */
function expectRefused(res: request.Response, field: string, message: string) {
  expect(res.status, res.text.slice(0, 300)).toBe(422);
  expect(res.text).toContain(`href="#${field}"`);
  expect(res.text).toContain(message);
}

describe('single-line and multi-line fields through the project forms', () => {
  const CREATE_LINE_FIELDS = ['name', 'homepage_url', 'repo_url'];

  it.each(CREATE_LINE_FIELDS.flatMap((field) => LINE_REFUSALS.map(([what, text, message]) => [field, what, text, message] as const)))(
    'POST /projects refuses %s with %s (422, nothing stored)',
    async (field, _what, text, message) => {
      const token = await csrfFor(agent);
      const before = await count('projects');
      const value = field.endsWith('_url') ? `https://example.org/${text}` : text;
      const res = await agent
        .post('/projects')
        .type('form')
        .send({ _csrf: token, name: 'Widget', repo_url: 'https://example.org/widget-create', [field]: value });
      expect(res.status).toBe(422);
      expect(res.text).toContain(`href="#${field}"`);
      // A URL with a line break or tab is refused as a URL or for the character; either way it names the field.
      if (!field.endsWith('_url')) expect(res.text).toContain(message);
      expect(await count('projects')).toBe(before);
    },
  );

  it.each(MULTILINE_REFUSALS)('POST /projects refuses %s in the description (422, nothing stored)', async (_what, text, message) => {
    const token = await csrfFor(agent);
    const before = await count('projects');
    const res = await agent.post('/projects').type('form').send({ _csrf: token, name: 'Widget', repo_url: 'https://example.org/widget-d', description: text });
    expectRefused(res, 'description', message);
    expect(await count('projects')).toBe(before);
  });

  const EDIT_LINE_FIELDS = ['name', 'license', 'implementation_languages', 'cpe'];

  it.each(EDIT_LINE_FIELDS.flatMap((field) => LINE_REFUSALS.map(([what, text, message]) => [field, what, text, message] as const)))(
    'the edit form refuses %s with %s (422, nothing stored)',
    async (field, _what, text, message) => {
      const project = await createProject(t.ctx, owner);
      const value = field === 'cpe' ? `cpe:${text}` : text;
      const res = await agent
        .post(`/projects/${project.id}/passing/edit`)
        .type('form')
        .send({ _csrf: await csrfFor(agent), lock_version: '0', [field]: value });
      expectRefused(res, field, message);
      expect((await t.db.projects.findById(project.id))!.lockVersion).toBe(0);
    },
  );

  const EDIT_MULTILINE_FIELDS = ['description', 'general_comments', 'interact_justification'];

  it.each(EDIT_MULTILINE_FIELDS.flatMap((field) => MULTILINE_REFUSALS.map(([what, text, message]) => [field, what, text, message] as const)))(
    'the edit form refuses %s with %s (422, nothing stored)',
    async (field, _what, text, message) => {
      const project = await createProject(t.ctx, owner);
      const res = await agent
        .post(`/projects/${project.id}/passing/edit`)
        .type('form')
        .send({ _csrf: await csrfFor(agent), lock_version: '0', [field]: text });
      // A justification's errors sit under its criterion, not in a labelled text field.
      expect(res.status).toBe(422);
      expect(res.text).toContain(message);
      if (!field.endsWith('_justification')) expect(res.text).toContain(`href="#${field}"`);
      expect((await t.db.projects.findById(project.id))!.lockVersion).toBe(0);
    },
  );

  it('keeps newlines and tabs in multi-line fields, and refuses the same in JSON', async () => {
    const project = await createProject(t.ctx, owner);
    const text = 'First line\r\nSecond line\n\tindented';
    await agent
      .post(`/projects/${project.id}/passing/edit`)
      .type('form')
      .send({ _csrf: await csrfFor(agent), lock_version: '0', description: text, general_comments: text, interact_status: 'Met', interact_justification: text })
      .expect(303);
    const saved = (await t.db.projects.findById(project.id))!;
    expect(saved.description).toBe(text.trim());
    expect(saved.generalComments).toBe(text.trim());
    expect(saved.answers.interact!.justification).toBe(text.trim());
    await agent
      .patch(`/projects/${project.id}/passing/edit`)
      .set('x-csrf-token', await csrfFor(agent))
      .send({ lock_version: '1', name: 'two\nlines' })
      .expect(422);
    expect((await t.db.projects.findById(project.id))!.name).toBe(project.name);
  });
});

describe('user names on sign-up and profile', () => {
  it.each(LINE_REFUSALS)('sign-up refuses %s in the name (422, no account)', async (_what, text, message) => {
    const anonymous = request.agent(t.app);
    const page = await anonymous.get('/signup').expect(200);
    const before = await count('users');
    const res = await anonymous.post('/users').type('form').send({
      _csrf: csrfFrom(page.text),
      name: `Ann${text}Person`,
      email: `text-${Date.now()}-${Math.random()}@example.org`,
      password: DEFAULT_PASSWORD,
      password_confirmation: DEFAULT_PASSWORD,
    });
    expectRefused(res, 'name', message);
    expect(await count('users')).toBe(before);
  });

  it.each(LINE_REFUSALS)('the profile refuses %s in the name (422, name unchanged)', async (_what, text, message) => {
    const user = await createUser(t.ctx, { name: 'Plain Name' });
    const session = await loginAs(t.app, user);
    const res = await session
      .post('/account')
      .type('form')
      .send({ _csrf: await csrfFor(session, '/account'), name: `Ann${text}Person`, preferred_locale: 'en' });
    expectRefused(res, 'name', message);
    expect((await t.db.users.findById(user.id))!.name).toBe('Plain Name');
  });
});

describe('request bodies that are not UTF-8', () => {
  async function postCreate(body: Buffer | string, type: string) {
    const token = await csrfFor(agent);
    // The serializer is bypassed so the bytes go out exactly as given.
    return agent
      .post('/projects')
      .set('Content-Type', type)
      .set('x-csrf-token', token)
      .serialize((data: unknown) => data as string)
      .send(body);
  }

  it.each([
    ['percent-encoded bytes that are not UTF-8', 'name=%FF%FE&repo_url=https%3A%2F%2Fexample.org%2Fu1'],
    ['a sequence cut short', 'name=caf%C3&repo_url=https%3A%2F%2Fexample.org%2Fu2'],
    ['a sequence split across two fields', 'name=%C3&description=%A9&repo_url=https%3A%2F%2Fexample.org%2Fu3'],
    ['an encoded surrogate (CESU-8)', 'name=%ED%A0%80&repo_url=https%3A%2F%2Fexample.org%2Fu4'],
    ['an overlong encoding of "/"', 'name=%C0%AF&repo_url=https%3A%2F%2Fexample.org%2Fu5'],
  ])('a form with %s is a 400 with a clear message, nothing stored', async (_what, body) => {
    const before = await count('projects');
    const res = await postCreate(body, 'application/x-www-form-urlencoded');
    expect(res.status).toBe(400);
    expect(res.text).toContain('not valid UTF-8');
    expect(await count('projects')).toBe(before);
  });

  it('a form with raw bytes that are not UTF-8 is a 400', async () => {
    const body = Buffer.concat([Buffer.from('name='), Buffer.from([0xff, 0xfe]), Buffer.from('&repo_url=https%3A%2F%2Fexample.org%2Fraw')]);
    const res = await postCreate(body, 'application/x-www-form-urlencoded');
    expect(res.status).toBe(400);
    expect(res.text).toContain('not valid UTF-8');
  });

  it('JSON with raw bytes that are not UTF-8 is a 400 with a JSON error, nothing stored', async () => {
    const before = await count('projects');
    const body = Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xff]), Buffer.from('","repo_url":"https://example.org/json-raw"}')]);
    const res = await postCreate(body, 'application/json');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: expect.stringContaining('not valid UTF-8') as string, details: null });
    expect(await count('projects')).toBe(before);
  });

  it('accepts real UTF-8, percent-encoded or raw, in forms and JSON', async () => {
    const form = await postCreate('name=Caf%C3%A9+%E6%9D%B1%E4%BA%AC&repo_url=https%3A%2F%2Fexample.org%2Fcafe', 'application/x-www-form-urlencoded');
    expect(form.status).toBe(303);
    const raw = await postCreate(Buffer.from('name=Café ✓&repo_url=https%3A%2F%2Fexample.org%2Fcafe-raw'), 'application/x-www-form-urlencoded');
    expect(raw.status).toBe(303);
    const json = await postCreate(Buffer.from('{"name":"Café \u{1F600}","repo_url":"https://example.org/cafe-json"}'), 'application/json');
    expect(json.status).toBe(303);
    const { rows } = await t.db.pool.query<{ name: string }>("SELECT name FROM projects WHERE repo_url LIKE 'https://example.org/cafe%' ORDER BY id");
    expect(rows.map((r) => r.name)).toEqual(['Café 東京', 'Café ✓', 'Café \u{1F600}']);
  });
});
