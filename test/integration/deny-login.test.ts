import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { DEFAULT_PASSWORD, createProject, createUser, csrfFrom } from '../support/factories.ts';

// Two apps on one database: `open` runs normally (to log a user in before the incident), `closed`
// has BADGEAPP_DENY_LOGIN set. Sessions live in PostgreSQL, so the session cookie works on both.
let open: TestApp;
let closed: TestApp;

beforeAll(async () => {
  open = await buildTestApp();
  closed = await buildTestApp({ BADGEAPP_DENY_LOGIN: 'true' }, { databaseUrl: open.ctx.config.databaseUrl! });
});

afterAll(async () => {
  await closed.close();
  await open.close();
});

const TABLES = ['users', 'projects', 'project_changes', 'session', 'outbox', 'user_tokens'] as const;

async function rowCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const result = await open.db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
    counts[table] = Number(result.rows[0]!.n);
  }
  return counts;
}

/** Logs in on the normal app and returns the session cookie. */
async function sessionCookieOf(email: string): Promise<string> {
  const agent = request.agent(open.app);
  const page = await agent.get('/login').expect(200);
  const res = await agent.post('/login').type('form').send({ _csrf: csrfFrom(page.text), email, password: DEFAULT_PASSWORD }).expect(303);
  const cookies = res.headers['set-cookie'] as unknown as string[];
  const session = cookies.find((c) => c.startsWith('badgeapp_session='));
  if (!session) throw new Error('no session cookie');
  return session.split(';')[0]!;
}

function expectRefusedPage(res: request.Response): void {
  expect(res.status).toBe(503);
  expect(res.headers['content-type']).toMatch(/^text\/html/);
  expect(res.headers['cache-control']).toBe('private, no-store');
  expect(res.text).toContain('Logins and changes are paused');
  expect(res.text).toContain('/css/app.css');
  expect(res.headers['set-cookie']).toBeUndefined();
}

describe('BADGEAPP_DENY_LOGIN', () => {
  it('keeps every read working: pages, project, badge, JSON, health', async () => {
    const owner = await createUser(open.ctx);
    const project = await createProject(open.ctx, owner, { name: 'Readable while closed' });
    for (const path of ['/en', '/projects', `/projects/${project.id}/passing`, `/projects/${project.id}/badge`, `/projects/${project.id}.json`, '/projects.json', '/criteria', '/healthz']) {
      const res = await request(closed.app).get(path);
      expect(res.status, path).toBe(200);
    }
    const page = await request(closed.app).get(`/projects/${project.id}/passing`).expect(200);
    expect(page.text).toContain('Readable while closed');
  });

  it('shows a notice instead of the login and sign-up forms', async () => {
    const login = await request(closed.app).get('/login').expect(200);
    expect(login.text).toContain('Logging in and creating accounts are switched off');
    expect(login.text).not.toContain('action="/login"');
    const signup = await request(closed.app).get('/signup').expect(200);
    expect(signup.text).toContain('Logging in and creating accounts are switched off');
    expect(signup.text).not.toContain('action="/users"');
    // The normal app still shows the forms.
    expect((await request(open.app).get('/login').expect(200)).text).toContain('action="/login"');
  });

  it('refuses logins (local and GitHub) and sign-ups with the page, storing nothing', async () => {
    const user = await createUser(open.ctx);
    // A token from the normal app's form, so only the switch can be the reason for the refusal.
    const agent = request.agent(closed.app);
    const form = await request.agent(open.app).get('/login').expect(200);
    const before = await rowCounts();
    expectRefusedPage(await agent.post('/login').type('form').send({ _csrf: csrfFrom(form.text), email: user.email ?? '', password: DEFAULT_PASSWORD }));
    expectRefusedPage(await agent.post('/auth/github').type('form').send({}));
    expectRefusedPage(await agent.get('/auth/github/callback?code=x&state=y'));
    expectRefusedPage(
      await agent.post('/users').type('form').send({ name: 'Newcomer', email: 'newcomer@example.org', password: 'a long enough passphrase', password_confirmation: 'a long enough passphrase' }),
    );
    expectRefusedPage(await agent.post('/password_resets').type('form').send({ email: user.email ?? '' }));
    expect(await rowCounts()).toEqual(before);
    expect(await open.db.users.findLocalByEmail('newcomer@example.org')).toBeNull();
  });

  it('refuses a logged-in save (form and JSON) without changing the project, and still lets the user log out', async () => {
    const owner = await createUser(open.ctx);
    const project = await createProject(open.ctx, owner);
    const cookie = await sessionCookieOf(owner.email ?? '');
    // Reading the edit form still works, and the session is still the user's.
    const edit = await request(closed.app).get(`/projects/${project.id}/passing/edit`).set('Cookie', cookie).expect(200);
    const token = csrfFrom(edit.text);
    const before = await rowCounts();

    expectRefusedPage(
      await request(closed.app)
        .post(`/projects/${project.id}/passing/edit`)
        .set('Cookie', cookie)
        .type('form')
        .send({ _csrf: token, lock_version: '0', interact_status: 'Met', interact_justification: 'Via the issue tracker.' }),
    );
    const json = await request(closed.app)
      .patch(`/projects/${project.id}/passing/edit`)
      .set('Cookie', cookie)
      .set('x-csrf-token', token)
      .send({ lock_version: '0', interact_status: 'Met' });
    expect(json.status).toBe(503);
    expect(json.body).toEqual({ error: expect.stringContaining('nothing was saved') as unknown, details: null });
    const created = await request(closed.app).post('/projects.json').set('Cookie', cookie).set('x-csrf-token', token).send({ name: 'New', repo_url: 'https://example.org/new' });
    expect(created.status).toBe(503);
    expect(created.body).toMatchObject({ details: null });
    expectRefusedPage(await request(closed.app).post('/account/delete').set('Cookie', cookie).type('form').send({ _csrf: token }));

    expect(await rowCounts()).toEqual(before);
    const after = (await open.db.projects.findById(project.id))!;
    expect(after.lockVersion).toBe(project.lockVersion);
    expect(after.answers).toEqual(project.answers);

    // Logging out is never refused: it only ends the session.
    await request(closed.app).post('/logout').set('Cookie', cookie).type('form').send({ _csrf: token }).expect(303);
    const sessions = await open.db.pool.query<{ n: string }>('SELECT count(*) AS n FROM session');
    expect(Number(sessions.rows[0]!.n)).toBe(before.session! - 1);
    await request(closed.app).get(`/projects/${project.id}/passing/edit`).set('Cookie', cookie).expect(303);
  });
});
