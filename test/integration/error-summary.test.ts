import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { createProject, createUser, csrfFor, loginAs } from '../support/factories.ts';

/**
 * A form that comes back with errors opens with their summary: the summary is the first element
 * of <main>, before messages, headings and the form, on every form page, so that the skip link,
 * the focus the page's script gives it and a screen reader's first stop in the main landmark all
 * land on what to fix.
 */

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
});

afterAll(async () => {
  await t.close();
});

/** The summary is the main landmark's first child, and the skip link leads to it. */
function expectSummaryFirst(html: string, what: string): void {
  expect(html, `${what}: error summary first in main`).toMatch(/<main id="main"><div class="form-errors" id="error-summary" role="alert" tabindex="-1"><h2>/);
  expect(html, `${what}: one summary`).not.toMatch(/id="error-summary"[\s\S]*id="error-summary"/);
  expect(html, `${what}: skip link`).toContain('<a class="skip-link" href="#error-summary">');
}

describe('error summary first in main', () => {
  it('on the anonymous forms: login, sign-up', async () => {
    const agent = request.agent(t.app);
    const token = await csrfFor(agent, '/login');
    const login = await agent.post('/login').type('form').send({ _csrf: token, email: 'nobody@example.org', password: 'wrong password here' });
    expect(login.status).toBeGreaterThanOrEqual(400);
    expectSummaryFirst(login.text, 'login');

    const signup = await agent.post('/users').type('form').send({ _csrf: token, name: 'Someone', email: 'someone@example.org', password: 'one long passphrase nobody guesses', password_confirmation: 'another' });
    expect(signup.status).toBe(422);
    expectSummaryFirst(signup.text, 'sign-up');
  });

  it('on the signed-in forms: new project, project form, collaborators, transfer, delete, account', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner);
    const agent = await loginAs(t.app, owner);
    const token = await csrfFor(agent);
    const id = String(project.id);

    const created = await agent.post('/projects').type('form').send({ _csrf: token });
    expect(created.status).toBe(422);
    expectSummaryFirst(created.text, 'new project');

    const edited = await agent.post(`/projects/${id}/passing/edit`).type('form').send({ _csrf: token, lock_version: String(project.lockVersion), homepage_url: 'not an address' });
    expect(edited.status).toBe(422);
    expectSummaryFirst(edited.text, 'project form');
    // The summary's links lead into the form.
    expect(edited.text).toMatch(/id="error-summary"[^]*<a href="#homepage_url">/);

    const collaborator = await agent.post(`/projects/${id}/collaborators`).type('form').send({ _csrf: token, collaborator: 'nobody-at-all@example.org' });
    expect(collaborator.status).toBeGreaterThanOrEqual(400);
    expectSummaryFirst(collaborator.text, 'collaborators');
    expect(collaborator.text).toContain('aria-describedby="collaborator-hint collaborator-error"');

    const transfer = await agent.post(`/projects/${id}/transfer`).type('form').send({ _csrf: token, recipient: 'nobody-at-all@example.org', mode: 'offer' });
    expect(transfer.status).toBeGreaterThanOrEqual(400);
    expectSummaryFirst(transfer.text, 'transfer');
    expect(transfer.text).toContain('aria-describedby="recipient-hint recipient-error"');

    const deletion = await agent.post(`/projects/${id}/delete`).type('form').send({ _csrf: token, deletion_rationale: 'short' });
    expect(deletion.status).toBe(422);
    expectSummaryFirst(deletion.text, 'delete');

    const account = await agent.post('/account').type('form').send({ _csrf: token, name: '' });
    expect(account.status).toBe(422);
    expectSummaryFirst(account.text, 'account');
    // Inline errors of the shared text field are tied to their input.
    expect(account.text).toMatch(/<input id="name"[^>]*aria-describedby="name-error-0"/);
    expect(account.text).toContain('<p class="error-message" id="name-error-0">');
  });

  it('on the admin search', async () => {
    const admin = await createUser(t.ctx, { role: 'admin' });
    const agent = await loginAs(t.app, admin);
    const res = await agent.get(`/admin/users?q=${'x'.repeat(300)}`);
    expect(res.status).toBe(422);
    expectSummaryFirst(res.text, 'admin users');
    expect(res.text).toContain('aria-describedby="q-hint q-error"');
  });

  it('not on a page without errors', async () => {
    const res = await request(t.app).get('/login').expect(200);
    expect(res.text).not.toContain('id="error-summary"');
    expect(res.text).toContain('<a class="skip-link" href="#main">');
  });
});

describe('the account page, whose email and password forms both ask for the current password', () => {
  it('ties errors sent back with a new address to the email form, and the summary links there', async () => {
    const user = await createUser(t.ctx);
    const agent = await loginAs(t.app, user);
    const token = await csrfFor(agent, '/account');
    const res = await agent.post('/account/email').type('form').send({ _csrf: token, email: 'not an address', current_password: 'not the password' });
    expect(res.status).toBe(422);
    expectSummaryFirst(res.text, 'email change');
    expect(res.text).toContain('<a href="#new_email">');
    expect(res.text).toContain('<a href="#current_password_email">');
    expect(res.text).toMatch(/<input id="new_email"[^>]*aria-invalid="true" aria-describedby="new_email-error"/);
    expect(res.text).toMatch(/<input id="current_password_email"[^>]*aria-invalid="true" aria-describedby="current_password_email-error"/);
    // The password form's own field stays clean.
    expect(res.text).not.toMatch(/<input id="current_password"[^>]*aria-invalid/);

    const password = await agent.post('/account/password').type('form').send({ _csrf: token, current_password: 'not the password', password: 'a new long passphrase nobody guesses', password_confirmation: 'a new long passphrase nobody guesses' });
    expect(password.status).toBe(422);
    expect(password.text).toContain('<a href="#current_password">');
    expect(password.text).toMatch(/<input id="current_password"[^>]*aria-invalid="true" aria-describedby="current_password-error-0"/);
    expect(password.text).not.toMatch(/<input id="current_password_email"[^>]*aria-invalid/);
  });
});
