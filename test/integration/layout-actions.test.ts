import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { createProject, createUser, csrfFrom, loginAs } from '../support/factories.ts';

/** The page furniture every page shares, and how destructive actions and failures present themselves. */

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
});

afterAll(async () => {
  await t.close();
});

describe('menu', () => {
  it('has a native disclosure for narrow screens with the same links, and the user name once', async () => {
    const user = await createUser(t.ctx, { name: 'Menu Reader' });
    const agent = await loginAs(t.app, user);
    const html = (await agent.get('/en').expect(200)).text;
    const header = html.slice(html.indexOf('<header'), html.indexOf('</header>'));
    expect(header).toContain(`<summary>${t.ctx.i18n.t('nav.menu')}</summary>`);
    const wide = /<ul class="menu-wide">([\s\S]*?)<\/ul>/.exec(header)![1];
    const narrow = /<details class="menu-narrow">[\s\S]*?<ul>([\s\S]*?)<\/ul>/.exec(header)![1];
    expect(narrow).toBe(wide);
    expect(header.split('Signed in as Menu Reader').length - 1).toBe(1);
  });
});

describe('destructive actions', () => {
  it('use the danger style, never the primary one', async () => {
    const admin = await createUser(t.ctx, { role: 'admin' });
    const owner = await createUser(t.ctx);
    const collaborator = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner);
    await t.ctx.db.collaborators.add(project.id, collaborator.id, new Date());
    const agent = await loginAs(t.app, admin);
    const deletePage = (await agent.get(`/projects/${project.id}/delete`).expect(200)).text;
    expect(deletePage).toMatch(/<button class="danger" type="submit">[^<]*<\/button>/);
    const account = (await agent.get('/account').expect(200)).text;
    expect(account).toContain(`<button class="danger" type="submit">${t.ctx.i18n.t('profile:delete_button')}</button>`);
    const userPage = (await agent.get(`/admin/users/${owner.id}`).expect(200)).text;
    expect(userPage).toContain(`<button class="danger" type="submit">${t.ctx.i18n.t('admin:user.block_submit')}</button>`);
    expect(userPage).toContain(`<button class="danger" type="submit">${t.ctx.i18n.t('admin:user.delete_submit')}</button>`);
    const people = (await agent.get(`/projects/${project.id}/collaborators`).expect(200)).text;
    expect(people).toContain(`<button class="danger" type="submit">${t.ctx.i18n.t('collaborators:remove', { name: collaborator.name })}</button>`);
  });
});

describe('login failure', () => {
  it('says that the login failed, not that a form could not be saved', async () => {
    const agent = request.agent(t.app);
    const form = await agent.get('/login').expect(200);
    const res = await agent.post('/login').type('form').send({ _csrf: csrfFrom(form.text), email: 'nobody@example.org', password: 'wrong password here' }).expect(401);
    expect(res.text).toContain(`<h2>${t.ctx.i18n.t('sessions.failed_summary')}</h2>`);
    expect(res.text).toContain(t.ctx.i18n.t('errors.login_failed'));
    expect(res.text).not.toContain('could not be saved');
  });
});
