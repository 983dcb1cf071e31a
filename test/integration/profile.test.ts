import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { unsubscribeUrl } from '../../src/services/mail/unsubscribe.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { DEFAULT_PASSWORD, createProject, createUser, csrfFor, csrfFrom, loginAs } from '../support/factories.ts';
import { linkIn, waitForMail } from '../support/smtp.ts';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
});

afterAll(async () => {
  await t.close();
});

describe('/account', () => {
  it('needs a login', async () => {
    await request(t.app).get('/account').expect(303).expect('location', '/login');
  });

  it('changes name, language and notification settings', async () => {
    const user = await createUser(t.ctx);
    const agent = await loginAs(t.app, user);
    await agent
      .post('/account')
      .type('form')
      .send({ _csrf: await csrfFor(agent, '/account'), name: 'New Name', preferred_locale: 'en', important_notifications: '1' })
      .expect(303);
    expect(await t.db.users.findById(user.id)).toMatchObject({ name: 'New Name', notificationEmails: false, importantNotifications: true });
    const bad = await agent.post('/account').type('form').send({ _csrf: await csrfFor(agent, '/account'), name: '', preferred_locale: 'xx' }).expect(422);
    expect(bad.text).toContain('This field is required.');
    expect((await t.db.users.findById(user.id))!.name).toBe('New Name');
  });

  it('changes the password only with the current one and a good new one', async () => {
    const user = await createUser(t.ctx);
    const agent = await loginAs(t.app, user);
    const wrong = await agent
      .post('/account/password')
      .type('form')
      .send({ _csrf: await csrfFor(agent, '/account'), current_password: 'nope', password: 'fresh passphrase 1', password_confirmation: 'fresh passphrase 1' })
      .expect(422);
    expect(wrong.text).toContain('The current password is not correct.');
    await agent
      .post('/account/password')
      .type('form')
      .send({ _csrf: await csrfFor(agent, '/account'), current_password: DEFAULT_PASSWORD, password: 'fresh passphrase 1', password_confirmation: 'fresh passphrase 1' })
      .expect(303);
    await loginAs(t.app, user, 'fresh passphrase 1');
  });

  it('switches the email address only after the new address confirms, and tells the old one', async () => {
    const user = await createUser(t.ctx);
    const agent = await loginAs(t.app, user);
    await agent
      .post('/account/email')
      .type('form')
      .send({ _csrf: await csrfFor(agent, '/account'), email: 'moved@example.org', current_password: DEFAULT_PASSWORD })
      .expect(303);
    expect((await t.db.users.findById(user.id))!.email).toBe(user.email);
    const path = new URL(linkIn(await waitForMail(t.mail, 'moved@example.org'), '/email_changes/')).pathname;
    const page = await agent.get(path).expect(200);
    await agent.post(path).type('form').send({ _csrf: csrfFrom(page.text) }).expect(303);
    expect((await t.db.users.findById(user.id))!.email).toBe('moved@example.org');
    const notice = await waitForMail(t.mail, user.email!, (m) => m.subject.includes('was changed'));
    expect(notice.text).not.toContain('moved@example.org');
  });

  it('ties a wrong password on account deletion to the deletion form, not the password form', async () => {
    const user = await createUser(t.ctx);
    const agent = await loginAs(t.app, user);
    const refused = await agent.post('/account/delete').type('form').send({ _csrf: await csrfFor(agent, '/account'), current_password: 'not-the-password' }).expect(422);
    expect(refused.text).toContain('href="#current_password_delete"');
    expect(refused.text).toMatch(/id="current_password_delete"[^>]*aria-describedby="current_password_delete-error"/);
    expect(refused.text).not.toContain('current_password-error');
    expect(await t.db.users.findById(user.id)).not.toBeNull();
  });

  it('refuses to delete an account that still owns projects, then deletes it', async () => {
    const user = await createUser(t.ctx);
    const project = await createProject(t.ctx, user);
    const agent = await loginAs(t.app, user);
    const refused = await agent.post('/account/delete').type('form').send({ _csrf: await csrfFor(agent, '/account'), current_password: DEFAULT_PASSWORD }).expect(422);
    expect(refused.text).toContain('You still own 1 project.');
    await t.db.pool.query('DELETE FROM projects WHERE id = $1', [project.id]);
    await agent.post('/account/delete').type('form').send({ _csrf: await csrfFor(agent, '/account'), current_password: DEFAULT_PASSWORD }).expect(303);
    expect(await t.db.users.findById(user.id)).toBeNull();
  });
});

describe('/unsubscribe', () => {
  it('turns notification mail off by a signed one-click POST without session or CSRF token', async () => {
    const user = await createUser(t.ctx);
    const url = new URL(unsubscribeUrl('http://localhost', t.ctx.config.unsubscribeKeys, user.id, new Date()));
    await request(t.app).get(url.pathname + url.search).expect(200);
    expect((await t.db.users.findById(user.id))!.notificationEmails).toBe(true);
    await request(t.app).post(url.pathname + url.search).type('form').send({ 'List-Unsubscribe': 'One-Click' }).expect(200);
    expect((await t.db.users.findById(user.id))!.notificationEmails).toBe(false);
  });

  it('refuses forged, other-user and expired links', async () => {
    const user = await createUser(t.ctx);
    const good = new URL(unsubscribeUrl('http://localhost', t.ctx.config.unsubscribeKeys, user.id, new Date()));
    const forged = new URLSearchParams(good.search);
    forged.set('user', String(user.id + 1));
    await request(t.app).post(`/unsubscribe?${forged.toString()}`).expect(400);
    const old = new URL(unsubscribeUrl('http://localhost', t.ctx.config.unsubscribeKeys, user.id, new Date(Date.now() - 90 * 86_400_000)));
    await request(t.app).post(old.pathname + old.search).expect(400);
    await request(t.app).get('/unsubscribe?user=1&issued=x&token=y').expect(400);
    expect((await t.db.users.findById(user.id))!.notificationEmails).toBe(true);
  });
});
