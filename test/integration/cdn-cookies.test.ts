import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import pg from 'pg';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { DEFAULT_PASSWORD, createProject, createUser, csrfFrom } from '../support/factories.ts';

let t: TestApp;
let sql: pg.Client;

beforeAll(async () => {
  t = await buildTestApp();
  sql = new pg.Client({ connectionString: t.ctx.config.databaseUrl });
  await sql.connect();
});

afterAll(async () => {
  await sql.end();
  await t.close();
});

async function sessionRows(): Promise<number> {
  const { rows } = await sql.query<{ n: string }>('SELECT count(*) AS n FROM session');
  return Number(rows[0]!.n);
}

function cookiesOf(res: request.Response): string[] {
  const header = res.headers['set-cookie'] as string[] | string | undefined;
  return header === undefined ? [] : Array.isArray(header) ? header : [header];
}

describe('anonymous visitors store no session', () => {
  it('GETs of form pages, project pages and badges create no session row and no session cookie', async () => {
    const project = await createProject(t.ctx, await createUser(t.ctx));
    const before = await sessionRows();
    const agent = request.agent(t.app);
    for (const path of ['/login', '/signup', '/password_resets/new', '/account_activations/new', `/projects/${project.id}/passing`, `/projects/${project.id}/badge`, '/projects/new']) {
      const res = await agent.get(path);
      expect(res.status, path).toBeLessThan(400);
      expect(cookiesOf(res).some((c) => c.startsWith('badgeapp_session=')), path).toBe(false);
    }
    expect(await sessionRows()).toBe(before);
  });

  it('protects anonymous forms with a signed double-submit token; the session starts with the login POST', async () => {
    const user = await createUser(t.ctx);
    const agent = request.agent(t.app);
    const page = await agent.get('/login').expect(200);
    expect(cookiesOf(page).some((c) => c.startsWith('badgeapp_csrf=') && /HttpOnly/i.test(c) && /SameSite=Lax/i.test(c))).toBe(true);
    const token = csrfFrom(page.text);
    const before = await sessionRows();

    // Without the cookie (another browser), with a token for another nonce, or without a token: refused.
    await request(t.app).post('/login').type('form').send({ _csrf: token, email: user.email, password: DEFAULT_PASSWORD }).expect(403);
    const otherToken = csrfFrom((await request.agent(t.app).get('/login')).text);
    await agent.post('/login').type('form').send({ _csrf: otherToken, email: user.email, password: DEFAULT_PASSWORD }).expect(403);
    await agent.post('/login').type('form').send({ email: user.email, password: DEFAULT_PASSWORD }).expect(403);
    expect(await sessionRows()).toBe(before);

    const ok = await agent.post('/login').type('form').send({ _csrf: token, email: user.email, password: DEFAULT_PASSWORD }).expect(303);
    expect(cookiesOf(ok).some((c) => c.startsWith('badgeapp_session='))).toBe(true);
    expect(await sessionRows()).toBe(before + 1);
    // Logged in, forms use the session's synchroniser token; the anonymous token no longer works.
    await agent.post('/logout').type('form').send({ _csrf: token }).expect(403);
  });
});

describe('responses a CDN may store', () => {
  it('never carry Set-Cookie, even for a visitor who has a session and a CSRF cookie', async () => {
    const project = await createProject(t.ctx, await createUser(t.ctx));
    // A visitor whose account was blocked after logging in: the request is anonymous, but the
    // browser still presents a live session cookie, which the rolling session would re-send.
    const visitor = await createUser(t.ctx);
    const agent = request.agent(t.app);
    const login = await agent.get('/login');
    await agent.post('/login').type('form').send({ _csrf: csrfFrom(login.text), email: visitor.email, password: DEFAULT_PASSWORD }).expect(303);
    await sql.query('UPDATE users SET blocked = true WHERE id = $1', [visitor.id]);
    // (This page also shows, and so removes, the pending login flash message.)
    const rolling = await agent.get('/login');
    expect(cookiesOf(rolling).some((c) => c.startsWith('badgeapp_session=')), 'the session cookie is still re-sent on private pages').toBe(true);

    for (const path of [`/projects/${project.id}/passing`, `/projects/${project.id}/badge`, `/projects/${project.id}/badge.json`, `/projects/${project.id}.json`, '/badge_static/passing']) {
      const res = await agent.get(path).expect(200);
      expect(res.headers['surrogate-control'], path).toMatch(/max-age=/);
      expect(res.headers['surrogate-key'], path).toBeTruthy();
      expect(cookiesOf(res), path).toEqual([]);
    }
  });

  it('a logged-in user gets a private page with their cookie, never a CDN-cacheable one', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner);
    const agent = request.agent(t.app);
    const page = await agent.get('/login');
    await agent.post('/login').type('form').send({ _csrf: csrfFrom(page.text), email: owner.email, password: DEFAULT_PASSWORD }).expect(303);
    const res = await agent.get(`/projects/${project.id}/passing`).expect(200);
    expect(res.headers['surrogate-control']).toBeUndefined();
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect(cookiesOf(res).some((c) => c.startsWith('badgeapp_session='))).toBe(true);
  });
});
