import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import bcrypt from 'bcrypt';
import request from 'supertest';
import { createEmailCipher } from '../../src/db/email-crypto.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { DEFAULT_PASSWORD, createUser, csrfFrom, loginAs } from '../support/factories.ts';
import { linkIn, waitForMail } from '../support/smtp.ts';

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

const GOOD_PASSWORD = 'a long enough passphrase';

async function signUp(fields: Record<string, string>): Promise<request.Response> {
  const agent = request.agent(t.app);
  const form = await agent.get('/signup').expect(200);
  return agent.post('/users').type('form').send({ _csrf: csrfFrom(form.text), ...fields });
}

describe('POST /users (sign up)', () => {
  it('creates an inactive bcrypt-hashed account and mails an activation link', async () => {
    const res = await signUp({ name: 'Grace', email: 'Grace@Example.org', password: GOOD_PASSWORD, password_confirmation: GOOD_PASSWORD });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/signup/sent');
    const user = await t.db.users.findLocalByEmail('grace@example.org');
    expect(user).toMatchObject({ name: 'Grace', email: 'grace@example.org', provider: 'local', activated: false });
    expect(user!.passwordDigest).toMatch(/^\$2[aby]\$/);
    expect(await bcrypt.compare(GOOD_PASSWORD, user!.passwordDigest!)).toBe(true);
    const mail = await waitForMail(t.mail, 'grace@example.org');
    expect(mail.subject).toContain('Activate your');
    expect(linkIn(mail, '/account_activations/')).toMatch(/\/account_activations\/[A-Za-z0-9_-]{43}$/);
    expect(mail.header('List-Unsubscribe')).toBeUndefined();
  });

  it('activates only by POST from the page the link opens, once', async () => {
    const email = 'ada@example.org';
    await signUp({ name: 'Ada', email, password: GOOD_PASSWORD, password_confirmation: GOOD_PASSWORD });
    const path = new URL(linkIn(await waitForMail(t.mail, email), '/account_activations/')).pathname;
    const agent = request.agent(t.app);
    const page = await agent.get(path).expect(200);
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect((await t.db.users.findLocalByEmail(email))!.activated).toBe(false);
    // Not activated yet: the right password is refused with an explanation.
    const visitor = request.agent(t.app);
    const loginForm = await visitor.get('/login');
    const refused = await visitor.post('/login').type('form').send({ _csrf: csrfFrom(loginForm.text), email, password: GOOD_PASSWORD });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('not activated yet');
    await agent.post(path).type('form').send({ _csrf: csrfFrom(page.text) }).expect(303).expect('location', '/en/login');
    expect((await t.db.users.findLocalByEmail(email))!.activated).toBe(true);
    await agent.get(path).expect(404);
    await agent.post(path).type('form').send({ _csrf: csrfFrom(page.text) }).expect(404);
  });

  it('answers the same for an address that already has an account, without a second account', async () => {
    const existing = await createUser(t.ctx);
    const res = await signUp({ name: 'Dup', email: existing.email!.toUpperCase(), password: GOOD_PASSWORD, password_confirmation: GOOD_PASSWORD });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/signup/sent');
    const index = createEmailCipher(t.ctx.config.emailKeys).blindIndex(existing.email!);
    const rows = await t.db.pool.query('SELECT count(*)::int AS n FROM users WHERE email_bidx = $1', [index]);
    expect(rows.rows[0]).toEqual({ n: 1 });
  });

  it.each([
    [{ name: '', email: 'a@example.org', password: GOOD_PASSWORD, password_confirmation: GOOD_PASSWORD }, 'This field is required.'],
    [{ name: 'A', email: 'not-an-email', password: GOOD_PASSWORD, password_confirmation: GOOD_PASSWORD }, 'Enter a valid email address.'],
    [{ name: 'A', email: 'b@example.org', password: 'short', password_confirmation: 'short' }, 'at least 8 bytes'],
    [{ name: 'A', email: 'c@example.org', password: 'p'.repeat(73), password_confirmation: 'p'.repeat(73) }, 'at most 72 bytes'],
    [{ name: 'A', email: 'd@example.org', password: GOOD_PASSWORD, password_confirmation: 'something else' }, 'The two passwords do not match.'],
    [{ name: 'n'.repeat(51), email: 'e@example.org', password: GOOD_PASSWORD, password_confirmation: GOOD_PASSWORD }, 'at most 50 characters'],
    [{ name: 'A', email: 'f@example.org', password: 'Password1', password_confirmation: 'Password1' }, 'commonly used passwords'],
  ])('rejects %j with a clear message and creates nothing', async (fields, message) => {
    const res = await signUp(fields);
    expect(res.status).toBe(422);
    expect(res.text).toContain(message);
    expect(await t.db.users.findLocalByEmail(fields.email)).toBeNull();
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
    const res = await request(t.app).get('/en').expect(200);
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
    const res = await request(t.app).get('/none/such/<b>page</b>').expect(404);
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
    const html = await request(broken.app).get('/en').expect(500);
    expect(html.text).toContain('Something went wrong on our side');
    expect(html.text).not.toMatch(/pool|at .*\.ts|Error:/i);
    const json = await request(broken.app).get('/projects/1.json').expect(500);
    expect(json.body).toEqual({ error: 'Something went wrong on our side. Please try again later.', details: null });
    await broken.close().catch(() => undefined);
  });
});

describe('403 pages', () => {
  it('show the specific reason given by the route', async () => {
    const owner = await createUser(t.ctx);
    const project = await t.db.projects.create({ userId: owner.id, name: 'Mine', repoUrl: 'https://example.org/forbidden-reason' });
    const stranger = await loginAs(t.app, await createUser(t.ctx));
    const res = await stranger.get(`/projects/${project.id}/passing/edit`).expect(403);
    expect(res.text).toContain('Only the owner, collaborators and admins may edit this project.');
  });
});

describe('page titles', () => {
  it('name the page before the site', async () => {
    const res = await request(t.app).get('/login').expect(200);
    expect(res.text).toContain('<title>Log in – Best Practices Badge</title>');
    expect((await request(t.app).get('/en').expect(200)).text).toContain('<title>Best Practices Badge</title>');
  });
});

describe('remember me', () => {
  it('gives a persistent cookie only when asked; otherwise the cookie ends with the browser', async () => {
    const user = await createUser(t.ctx);
    for (const [remember, persistent] of [[undefined, false], ['1', true]] as const) {
      const agent = request.agent(t.app);
      const form = await agent.get('/login');
      const res = await agent
        .post('/login')
        .type('form')
        .send({ _csrf: csrfFrom(form.text), email: user.email, password: DEFAULT_PASSWORD, ...(remember ? { remember_me: remember } : {}) })
        .expect(303);
      expect(/Expires=/.test(sessionCookie(res)!)).toBe(persistent);
      const rows = await t.db.pool.query<{ hours: string }>("SELECT extract(epoch FROM expire - now()) / 3600 AS hours FROM session ORDER BY expire DESC LIMIT 1");
      expect(Number(rows.rows[0]!.hours)).toBeGreaterThan(47);
    }
  });
});
