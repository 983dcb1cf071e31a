import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { createUser, csrfFrom } from '../support/factories.ts';
import { linkIn, waitForMail } from '../support/smtp.ts';

let t: TestApp;
let limited: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
  limited = await buildTestApp({ RATE_RESET_IP_LIMIT: '3' });
});

afterAll(async () => {
  await t.close();
  await limited.close();
});

async function postForm(app: TestApp, formPath: string, action: string, email: string): Promise<request.Response> {
  const agent = request.agent(app.app);
  const form = await agent.get(formPath).expect(200);
  return agent.post(action).type('form').send({ _csrf: csrfFrom(form.text), email });
}

const resend = (app: TestApp, email: string) => postForm(app, '/account_activations/new', '/account_activations', email);
const reset = (app: TestApp, email: string) => postForm(app, '/password_resets/new', '/password_resets', email);

/** Lets the outbox drainer run, so a mail that was queued would have arrived. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

describe('activation resend (GET /account_activations/new, POST /account_activations)', () => {
  it('mails a fresh working link to an unactivated account, once per ten minutes', async () => {
    const user = await t.ctx.db.users.createLocal({ name: 'Waiting', email: 'waiting-activation@example.org', passwordDigest: 'x' });
    const res = await resend(t, user.email!);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/signup/sent');
    const mail = await waitForMail(t.mail, user.email!, (m) => m.text.includes('/account_activations/'));
    const path = new URL(linkIn(mail, '/account_activations/')).pathname;
    const page = await request(t.app).get(path).expect(200);
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    // A second request within ten minutes mails nothing more.
    const count = t.mail.filter((m) => m.to.includes(user.email!)).length;
    expect((await resend(t, user.email!)).status).toBe(303);
    await settle();
    expect(t.mail.filter((m) => m.to.includes(user.email!))).toHaveLength(count);
    const agent = request.agent(t.app);
    const confirm = await agent.get(path).expect(200);
    await agent.post(path).type('form').send({ _csrf: csrfFrom(confirm.text) }).expect(303).expect('location', '/en/login');
    expect((await t.ctx.db.users.findById(user.id))!.activated).toBe(true);
  });

  it('answers unknown, activated and malformed addresses the same and mails nothing', async () => {
    const active = await createUser(t.ctx);
    await settle();
    const before = t.mail.length;
    const answers = await Promise.all(['nobody-registered@example.org', active.email!, 'not an address'].map((email) => resend(t, email)));
    for (const res of answers) {
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/signup/sent');
    }
    await settle();
    expect(t.mail.length).toBe(before);
  });
});

describe('the reset and resend limiter (RATE_RESET_IP_LIMIT)', () => {
  it('answers 429 once one address has used its allowance, across reset and resend, and mails nothing more', async () => {
    const user = await createUser(limited.ctx);
    expect((await reset(limited, 'someone@example.org')).status).toBe(200);
    expect((await resend(limited, 'someone@example.org')).status).toBe(303);
    expect((await reset(limited, 'someone-else@example.org')).status).toBe(200);
    const refused = await reset(limited, user.email!);
    expect(refused.status).toBe(429);
    expect(refused.text).toContain('Too many attempts');
    expect(refused.headers['ratelimit-policy']).toBeDefined();
    expect((await resend(limited, user.email!)).status).toBe(429);
    await settle();
    expect(limited.mail.filter((m) => m.to.includes(user.email!))).toHaveLength(0);
  });
});
