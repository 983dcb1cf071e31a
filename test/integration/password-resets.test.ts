import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { createUser, csrfFrom, loginAs } from '../support/factories.ts';
import { linkIn, waitForMail } from '../support/smtp.ts';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
});

afterAll(async () => {
  await t.close();
});

async function requestReset(email: string): Promise<request.Response> {
  const agent = request.agent(t.app);
  const form = await agent.get('/password_resets/new').expect(200);
  return agent.post('/password_resets').type('form').send({ _csrf: csrfFrom(form.text), email });
}

describe('password reset', () => {
  it('mails a single-use link that sets a new password', async () => {
    const user = await createUser(t.ctx);
    const res = await requestReset(user.email!);
    expect(res.status).toBe(200);
    expect(res.text).toContain('If the address belongs to an active account');
    const path = new URL(linkIn(await waitForMail(t.mail, user.email!, (m) => m.subject.includes('Reset')), '/password_resets/')).pathname;
    const agent = request.agent(t.app);
    const form = await agent.get(path).expect(200);
    const bad = await agent.post(path).type('form').send({ _csrf: csrfFrom(form.text), password: 'qwertyuiop', password_confirmation: 'qwertyuiop' }).expect(422);
    expect(bad.text).toContain('commonly used passwords');
    await agent.post(path).type('form').send({ _csrf: csrfFrom(form.text), password: 'brand new passphrase', password_confirmation: 'brand new passphrase' }).expect(303).expect('location', '/en/login');
    await loginAs(t.app, user, 'brand new passphrase');
    await agent.post(path).type('form').send({ _csrf: csrfFrom(form.text), password: 'another new passphrase', password_confirmation: 'another new passphrase' }).expect(404);
  });

  it('expires after two hours', async () => {
    const user = await createUser(t.ctx);
    await requestReset(user.email!);
    const path = new URL(linkIn(await waitForMail(t.mail, user.email!, (m) => m.subject.includes('Reset')), '/password_resets/')).pathname;
    await t.db.pool.query("UPDATE user_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1", [user.id]);
    const res = await request(t.app).get(path).expect(404);
    expect(res.text).toContain('invalid, has expired or was already used');
  });

  it('answers the same for unknown and unactivated addresses and mails nothing', async () => {
    const inactive = await t.ctx.db.users.createLocal({ name: 'Inactive', email: 'inactive-reset@example.org', passwordDigest: 'x' });
    const before = t.mail.length;
    for (const email of ['nobody-here@example.org', inactive.email!]) {
      const res = await requestReset(email);
      expect(res.status).toBe(200);
      expect(res.text).toContain('If the address belongs to an active account');
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(t.mail.length).toBe(before);
  });

  it('rejects malformed tokens without touching the database', async () => {
    await request(t.app).get('/password_resets/not-a-token').expect(404);
    await request(t.app).get('/account_activations/%3Cscript%3E').expect(404);
  });
});
