import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { DEFAULT_PASSWORD, createUser, csrfFor, csrfFrom, loginAs } from '../support/factories.ts';
import { linkIn, waitForMail } from '../support/smtp.ts';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
});

afterAll(async () => {
  await t.close();
});

async function sessionRows(userId: number): Promise<number> {
  const { rows } = await t.db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM session WHERE sess -> 'passport' ->> 'user' = $1", [String(userId)]);
  return rows[0]!.n;
}

describe('a new password ends the other sessions', () => {
  it('logs out every other session of the user on a password change; the changing session continues', async () => {
    const user = await createUser(t.ctx);
    const bystander = await createUser(t.ctx);
    const first = await loginAs(t.app, user);
    const second = await loginAs(t.app, user);
    const other = await loginAs(t.app, bystander);
    await second.get('/account').expect(200);
    expect(await sessionRows(user.id)).toBe(2);
    await first
      .post('/account/password')
      .type('form')
      .send({ _csrf: await csrfFor(first, '/account'), current_password: DEFAULT_PASSWORD, password: 'fresh passphrase 9', password_confirmation: 'fresh passphrase 9' })
      .expect(303);
    await second.get('/account').expect(303).expect('location', '/login');
    await first.get('/account').expect(200);
    await other.get('/account').expect(200);
    expect(await sessionRows(user.id)).toBe(1);
  });

  it('keeps the other sessions when the change is refused', async () => {
    const user = await createUser(t.ctx);
    const first = await loginAs(t.app, user);
    const second = await loginAs(t.app, user);
    await first
      .post('/account/password')
      .type('form')
      .send({ _csrf: await csrfFor(first, '/account'), current_password: 'not it', password: 'fresh passphrase 9', password_confirmation: 'fresh passphrase 9' })
      .expect(422);
    await second.get('/account').expect(200);
  });

  it('logs out every session of the user when a reset link is completed', async () => {
    const user = await createUser(t.ctx);
    const first = await loginAs(t.app, user);
    const second = await loginAs(t.app, user);
    const anonymous = request.agent(t.app);
    const form = await anonymous.get('/password_resets/new').expect(200);
    await anonymous.post('/password_resets').type('form').send({ _csrf: csrfFrom(form.text), email: user.email }).expect(200);
    const path = new URL(linkIn(await waitForMail(t.mail, user.email!, (m) => m.subject.includes('Reset')), '/password_resets/')).pathname;
    const page = await anonymous.get(path).expect(200);
    await anonymous
      .post(path)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), password: 'reset passphrase 7', password_confirmation: 'reset passphrase 7' })
      .expect(303)
      .expect('location', '/en/login');
    await first.get('/account').expect(303).expect('location', '/login');
    await second.get('/account').expect(303).expect('location', '/login');
    expect(await sessionRows(user.id)).toBe(0);
    await loginAs(t.app, user, 'reset passphrase 7');
  });
});
