import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { createProject, createUser, csrfFrom } from '../support/factories.ts';
import { startFakeGithub, type FakeGithubUser } from '../support/fake-github.ts';

let t: TestApp;
let github: Awaited<ReturnType<typeof startFakeGithub>>;

const octo: FakeGithubUser = { id: 101, login: 'octo', name: 'Octo Cat', email: 'octo@example.org', push: { 'acme/tool': true } };
const visitor: FakeGithubUser = { id: 102, login: 'visitor', name: 'Visitor', email: 'visitor@example.org' };

beforeAll(async () => {
  github = await startFakeGithub([octo, visitor]);
  t = await buildTestApp({ GITHUB_CLIENT_ID: 'client-id', GITHUB_CLIENT_SECRET: 'client-secret', GITHUB_BASE_URL: github.baseUrl, GITHUB_API_URL: github.apiUrl });
});

afterAll(async () => {
  await t.close();
  await github.close();
});

/** Runs the whole OAuth dance: our POST -> fake authorize -> our callback. */
async function githubLogin(user: FakeGithubUser): Promise<{ agent: TestAgent; final: request.Response }> {
  github.loginAs(user);
  const agent = request.agent(t.app);
  const page = await agent.get('/login').expect(200);
  const start = await agent.post('/auth/github').type('form').send({ _csrf: csrfFrom(page.text) }).expect(302);
  const authorize = new URL(start.headers.location!);
  expect(authorize.origin).toBe(github.baseUrl);
  const back = await fetch(authorize, { redirect: 'manual' });
  const callback = new URL(back.headers.get('location')!);
  const final = await agent.get(callback.pathname + callback.search);
  return { agent, final };
}

describe('GitHub login', () => {
  it('shows the button, the requested scope and allows the form to post to GitHub in the CSP', async () => {
    const res = await request(t.app).get('/login').expect(200);
    expect(res.text).toContain('Log in with GitHub');
    expect(res.text).toContain('scope: user:email');
    expect(res.headers['content-security-policy']).toContain(`form-action 'self' ${github.baseUrl}`);
  });

  it('creates an activated account from the GitHub profile and asks only for user:email', async () => {
    const { final } = await githubLogin(octo);
    expect(final.status).toBe(303);
    expect(final.headers.location).toBe('/');
    const row = await t.db.pool.query<{ id: number; provider: string; nickname: string; activated: boolean }>(
      'SELECT id, provider, nickname, activated FROM users WHERE uid = $1',
      ['101'],
    );
    const [created] = row.rows;
    expect(row.rows).toHaveLength(1);
    expect(created).toMatchObject({ provider: 'github', nickname: 'octo', activated: true });
    // Stored encrypted (test/integration/email-encryption.test.ts); the repository reads it back.
    expect((await t.db.users.findById(created!.id))?.email).toBe('octo@example.org');
    expect(github.requests.find((r) => r.path === '/login/oauth/authorize')?.scope).toBe('user:email');
  });

  it('refuses a callback whose state does not match the session', async () => {
    github.loginAs(octo);
    const agent = request.agent(t.app);
    const res = await agent.get('/auth/github/callback?code=forged&state=forged').expect(303);
    expect(res.headers.location).toBe('/login');
    await agent.get('/account').expect(303);
  });

  it('lets GitHub users with push access edit the project, asks GitHub once, and refuses others', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner, { repoUrl: `${github.baseUrl}/acme/tool` });
    const pusher = (await githubLogin(octo)).agent;
    const before = github.requests.filter((r) => r.path === '/api/repos/acme/tool').length;
    await pusher.get(`/projects/${project.id}/passing/edit`).expect(200);
    await pusher.get(`/projects/${project.id}/passing/edit`).expect(200);
    expect(github.requests.filter((r) => r.path === '/api/repos/acme/tool').length).toBe(before + 1);
    const outsider = (await githubLogin(visitor)).agent;
    await outsider.get(`/projects/${project.id}/passing/edit`).expect(403);
  });

  it('treats the repository owner account as an editor without asking GitHub', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner, { repoUrl: `${github.baseUrl}/visitor/own-repo` });
    const { agent } = await githubLogin(visitor);
    await agent.get(`/projects/${project.id}/passing/edit`).expect(200);
    expect(github.requests.some((r) => r.path === '/api/repos/visitor/own-repo')).toBe(false);
  });
});

describe('without GitHub configuration', () => {
  it('offers no GitHub login', async () => {
    const plain = await buildTestApp();
    const res = await request(plain.app).get('/login').expect(200);
    expect(res.text).not.toContain('Log in with GitHub');
    await plain.close();
  });
});
