import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { createProject, createUser, csrfFrom } from '../support/factories.ts';
import { linkIn, waitForMail } from '../support/smtp.ts';

/**
 * The log as an operator sees it: one access line per request with its id, and nothing in any
 * line that would let a log reader sign in, act as someone, or learn who a user is.
 */
const lines: string[] = [];
let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp({ LOG_LEVEL: 'debug' }, { logDestination: { write: (line) => lines.push(line) } });
});

afterAll(async () => {
  await t.close();
});

interface Sent {
  id: string;
  method: string;
  status: number;
}

const sent: Sent[] = [];
/** Every cookie value the app handed out. */
const cookieValues: string[] = [];
function record(res: request.Response, method: string): request.Response {
  sent.push({ id: String(res.headers['x-request-id']), method, status: res.status });
  const setCookie: unknown = res.headers['set-cookie'];
  for (const cookie of Array.isArray(setCookie) ? (setCookie as string[]) : []) {
    const value = /^[^=]+=([^;]+)/.exec(cookie)?.[1];
    if (value) cookieValues.push(value, decodeURIComponent(value));
  }
  return res;
}

type Line = Record<string, unknown>;
const parsed = (): Line[] => lines.map((line) => JSON.parse(line) as Line);
const accessLines = (): Line[] => parsed().filter((line) => line.msg === 'request');

describe('access log and redaction', () => {
  it('writes one line per request and never a password, token, cookie or address', async () => {
    const email = `access-log-${randomBytes(4).toString('hex')}@example.org`;
    const password = `Zebra-Quantum-${randomBytes(6).toString('hex')}`;
    const newPassword = `Otter-Harbour-${randomBytes(6).toString('hex')}`;
    const bearer = `sk_live_${randomBytes(16).toString('hex')}`;
    const cookieSecret = randomBytes(16).toString('hex');
    const queryToken = randomBytes(16).toString('hex');
    const user = await createUser(t.ctx, { email, password });
    const project = await createProject(t.ctx, user, { name: 'Logged project' });

    // Login with the known password.
    const agent = request.agent(t.app);
    const loginPage = record(await agent.get('/login').expect(200), 'GET');
    const csrf = csrfFrom(loginPage.text);
    record(await agent.post('/login').type('form').send({ _csrf: csrf, email, password }).expect(303), 'POST');
    expect(cookieValues.length).toBeGreaterThan(0);
    record(await agent.get('/account').expect(200), 'GET');

    // A bearer token, a cookie and a token in the query string.
    record(await request(t.app).get('/projects.json').set('Authorization', `Bearer ${bearer}`).expect(200), 'GET');
    record(await request(t.app).get('/projects').set('Cookie', `tracking=${cookieSecret}`).expect(200), 'GET');
    record(await request(t.app).get(`/projects?token=${queryToken}&q=${encodeURIComponent(email)}`), 'GET');
    // Paths no route matched keep their shape but not their tokens or addresses.
    record(await request(t.app).get(`/no-such-page/${queryToken}`).expect(404), 'GET');
    record(await request(t.app).get(`/no-such-page/${encodeURIComponent(email)}`).expect(404), 'GET');

    // Password reset through the link in the mail.
    const resetForm = record(await agent.get('/password_resets/new').expect(200), 'GET');
    record(await agent.post('/password_resets').type('form').send({ _csrf: csrfFrom(resetForm.text), email }).expect(200), 'POST');
    const link = new URL(linkIn(await waitForMail(t.mail, email, (m) => m.subject.includes('Reset')), '/password_resets/'));
    const resetToken = link.pathname.split('/').pop() ?? '';
    expect(resetToken.length).toBeGreaterThan(10);
    const newForm = record(await agent.get(link.pathname).expect(200), 'GET');
    record(
      await agent
        .post(link.pathname)
        .type('form')
        .send({ _csrf: csrfFrom(newForm.text), password: newPassword, password_confirmation: newPassword })
        .expect(303),
      'POST',
    );

    // A line written by a service while a request runs carries that request's id.
    const confirm = record(await agent.get(`/projects/${String(project.id)}/delete`), 'GET');
    const deletion = record(
      await agent
        .post(`/projects/${String(project.id)}/delete`)
        .type('form')
        .send({ _csrf: csrfFrom(confirm.text), deletion_rationale: 'Replaced by another entry, so this one goes away.' })
        .expect(303),
      'POST',
    );

    // A proxy's id is kept when it is a short safe token, replaced otherwise.
    const kept = record(await request(t.app).get('/healthz').set('X-Request-Id', 'lb-7f3a.42:edge').expect(200), 'GET');
    expect(kept.headers['x-request-id']).toBe('lb-7f3a.42:edge');
    const replaced = record(await request(t.app).get('/healthz').set('X-Request-Id', `bad id ${email}`).expect(200), 'GET');
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);

    // The finish event of the last response may run after supertest resolved.
    await new Promise((resolve) => setTimeout(resolve, 50));

    const access = accessLines();
    expect(access).toHaveLength(sent.length);
    for (const request of sent) {
      const matching = access.filter((line) => line.requestId === request.id);
      expect(matching, `access line for ${request.method} ${request.id}`).toHaveLength(1);
      const line = matching[0];
      expect(line).toMatchObject({ method: request.method, status: request.status });
      expect(typeof line?.durationMs).toBe('number');
      expect(typeof line?.route).toBe('string');
      expect(String(line?.route)).not.toContain('?');
    }
    const routes = access.map((line) => line.route);
    expect(routes).toContain('/login');
    expect(routes).toContain('/password_resets/:token');
    expect(routes).toContain('/no-such-page/:redacted');

    const deleted = parsed().find((line) => line.msg === 'project deleted');
    expect(deleted?.requestId).toBe(deletion.headers['x-request-id']);

    const log = lines.join('');
    for (const secret of [password, newPassword, bearer, cookieSecret, ...cookieValues, queryToken, resetToken, csrf, email, encodeURIComponent(email)]) {
      expect(log, 'a secret reached the log').not.toContain(secret);
    }
  });
});
