import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import bcrypt from 'bcrypt';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { DEFAULT_PASSWORD, createUser, csrfFrom, loginAs } from '../support/factories.ts';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
});

afterAll(async () => {
  await t.close();
});

function sessionCookie(res: request.Response): string | undefined {
  const cookies = res.headers['set-cookie'] as unknown as string[] | undefined;
  return cookies?.find((c) => c.startsWith('badgeapp_session='));
}

async function sessionRows(): Promise<number> {
  const result = await t.db.pool.query<{ n: string }>('SELECT count(*) AS n FROM session');
  return Number(result.rows[0]!.n);
}

describe('POST /users (sign up)', () => {
  it('creates a bcrypt-hashed account, logs the user in and sends them to register a project', async () => {
    const agent = request.agent(t.app);
    const form = await agent.get('/signup').expect(200);
    const res = await agent
      .post('/users')
      .type('form')
      .send({ _csrf: csrfFrom(form.text), name: 'Grace', email: 'Grace@Example.org', password: 'a long enough passphrase', password_confirmation: 'a long enough passphrase' })
      .expect(303)
      .expect('location', '/projects/new');
    expect(sessionCookie(res)).toBeDefined();
    const user = await t.db.users.findLocalByEmail('grace@example.org');
    expect(user).toMatchObject({ name: 'Grace', email: 'grace@example.org', provider: 'local' });
    expect(user!.passwordDigest).toMatch(/^\$2[aby]\$/);
    expect(await bcrypt.compare('a long enough passphrase', user!.passwordDigest!)).toBe(true);
    const page = await agent.get('/projects/new').expect(200);
    expect(page.text).toContain('Signed in as Grace');
  });

  it.each([
    [{ name: '', email: 'a@example.org', password: 'password1', password_confirmation: 'password1' }, 'This field is required.'],
    [{ name: 'A', email: 'not-an-email', password: 'password1', password_confirmation: 'password1' }, 'Enter a valid email address.'],
    [{ name: 'A', email: 'b@example.org', password: 'short', password_confirmation: 'short' }, 'at least 8 bytes'],
    [{ name: 'A', email: 'c@example.org', password: 'p'.repeat(73), password_confirmation: 'p'.repeat(73) }, 'at most 72 bytes'],
    [{ name: 'A', email: 'd@example.org', password: 'password1', password_confirmation: 'password2' }, 'The two passwords do not match.'],
    [{ name: 'n'.repeat(51), email: 'e@example.org', password: 'password1', password_confirmation: 'password1' }, 'at most 50 characters'],
  ])('rejects %j with a clear message and creates nothing', async (fields, message) => {
    const agent = request.agent(t.app);
    const form = await agent.get('/signup');
    const res = await agent.post('/users').type('form').send({ _csrf: csrfFrom(form.text), ...fields }).expect(422);
    expect(res.text).toContain(message);
    expect(await t.db.users.findLocalByEmail(fields.email)).toBeNull();
  });

  it('refuses a second account for the same address', async () => {
    const existing = await createUser(t.ctx);
    const agent = request.agent(t.app);
    const form = await agent.get('/signup');
    const res = await agent
      .post('/users')
      .type('form')
      .send({ _csrf: csrfFrom(form.text), name: 'Dup', email: existing.email!.toUpperCase(), password: 'password1', password_confirmation: 'password1' })
      .expect(422);
    expect(res.text).toContain('already exists');
  });
});

describe('POST /login and POST /logout', () => {
  it('stores the session in PostgreSQL with a fresh id and safe cookie flags', async () => {
    const user = await createUser(t.ctx);
    const agent = request.agent(t.app);
    const form = await agent.get('/login').expect(200);
    const before = sessionCookie(form);
    const res = await agent.post('/login').type('form').send({ _csrf: csrfFrom(form.text), email: user.email, password: DEFAULT_PASSWORD }).expect(303);
    const after = sessionCookie(res)!;
    expect(after).toMatch(/HttpOnly/);
    expect(after).toMatch(/SameSite=Lax/);
    expect(after.split(';')[0]).not.toBe(before?.split(';')[0]);
    const rows = await t.db.pool.query<{ sess: { passport?: { user?: number } } }>('SELECT sess FROM session');
    expect(rows.rows.some((r) => r.sess.passport?.user === user.id)).toBe(true);
  });

  it('gives one message for a wrong password and an unknown email', async () => {
    const user = await createUser(t.ctx);
    for (const [email, password] of [[user.email!, 'wrong password'], ['nobody@example.org', 'whatever1']]) {
      const agent = request.agent(t.app);
      const form = await agent.get('/login');
      const res = await agent.post('/login').type('form').send({ _csrf: csrfFrom(form.text), email, password }).expect(401);
      expect(res.text).toContain('The email address or password is not correct.');
    }
  });

  it('returns to the page that required login', async () => {
    const user = await createUser(t.ctx);
    const agent = request.agent(t.app);
    await agent.get('/projects/new').expect(303).expect('location', '/login');
    const form = await agent.get('/login');
    expect(form.text).toContain('Please log in to continue.');
    await agent.post('/login').type('form').send({ _csrf: csrfFrom(form.text), email: user.email, password: DEFAULT_PASSWORD }).expect(303).expect('location', '/projects/new');
  });

  it('logs out only with a CSRF token, then destroys the session row', async () => {
    const user = await createUser(t.ctx);
    const agent = await loginAs(t.app, user);
    await agent.post('/logout').type('form').send({}).expect(403);
    const page = await agent.get('/projects/new').expect(200);
    const rowsBefore = await sessionRows();
    await agent.post('/logout').type('form').send({ _csrf: csrfFrom(page.text) }).expect(303);
    expect(await sessionRows()).toBe(rowsBefore - 1);
    await agent.get('/projects/new').expect(303);
  });
});

describe('security headers and error pages', () => {
  it('sends a strict CSP and no-store on HTML', async () => {
    const res = await request(t.app).get('/').expect(200);
    expect(res.headers['content-security-policy']).toBe(
      "default-src 'self';img-src 'self';object-src 'none';script-src 'self';style-src 'self';base-uri 'self';frame-ancestors 'none';form-action 'self'",
    );
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.text).not.toMatch(/<script>|style="/);
  });

  it('serves a minimal 404 that does not echo the URL', async () => {
    const res = await request(t.app).get('/no/such/<b>page</b>').expect(404);
    expect(res.text).toContain('Page not found');
    expect(res.text).not.toContain('such');
  });

  it('redirects a trailing slash without allowing an open redirect', async () => {
    await request(t.app).get('/projects/new/?a=1').expect(301).expect('location', '/projects/new?a=1');
    await request(t.app).get('//evil.example/').expect(301).expect('location', '/evil.example');
  });

  it('answers the health check', async () => {
    await request(t.app).get('/healthz').expect(200, { status: 'ok' });
  });
});

describe('unexpected failures', () => {
  it('show a generic 500 page and a generic JSON error without internals', async () => {
    const broken = await buildTestApp();
    await broken.db.pool.end();
    const html = await request(broken.app).get('/').expect(500);
    expect(html.text).toContain('Something went wrong on our side');
    expect(html.text).not.toMatch(/pool|at .*\.ts|Error:/i);
    const json = await request(broken.app).get('/projects/1.json').expect(500);
    expect(json.body).toEqual({ error: 'Something went wrong on our side. Please try again later.', details: null });
    await broken.close().catch(() => undefined);
  });
});
