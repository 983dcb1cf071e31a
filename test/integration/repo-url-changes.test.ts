import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type TestAgent from 'supertest/lib/agent.js';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { createProject, createUser, csrfFor, loginAs } from '../support/factories.ts';

const DAY = 24 * 60 * 60 * 1000;

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
});

afterAll(async () => {
  await t.close();
});

async function setUpdatedAt(projectId: number, at: Date | null) {
  await t.db.pool.query('UPDATE projects SET repo_url_updated_at = $2 WHERE id = $1', [projectId, at]);
}

async function edit(agent: TestAgent, projectId: number, fields: Record<string, string>) {
  const project = (await t.db.projects.findById(projectId))!;
  return agent
    .post(`/projects/${projectId}/passing/edit`)
    .type('form')
    .send({ _csrf: await csrfFor(agent), lock_version: String(project.lockVersion), ...fields });
}

async function changeCount(projectId: number): Promise<number> {
  const { rows } = await t.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM project_changes WHERE project_id = $1', [projectId]);
  return rows[0]!.n;
}

describe('repository URL changes (POST /projects/:id/passing/edit)', () => {
  it('lets the owner change it once, records when, then refuses another repository for 180 days', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner, { repoUrl: 'https://github.com/example/first' });
    expect(project.repoUrlUpdatedAt).toBeNull();
    const agent = await loginAs(t.app, owner);
    expect((await edit(agent, project.id, { repo_url: 'https://github.com/example/second' })).status).toBe(303);
    const moved = (await t.db.projects.findById(project.id))!;
    expect(moved.repoUrl).toBe('https://github.com/example/second');
    expect(Math.abs(moved.repoUrlUpdatedAt!.getTime() - Date.now())).toBeLessThan(60_000);

    const changes = await changeCount(project.id);
    const res = await edit(agent, project.id, { repo_url: 'https://github.com/someone-else/third', name: 'Also renamed' });
    expect(res.status).toBe(422);
    const nextDate = new Date(moved.repoUrlUpdatedAt!.getTime() + 180 * DAY).toISOString().slice(0, 10);
    expect(res.text).toContain('href="#repo_url"');
    expect(res.text).toContain(`it can next be changed on ${nextDate}`);
    const after = (await t.db.projects.findById(project.id))!;
    expect(after.repoUrl).toBe('https://github.com/example/second');
    expect(after.name).toBe(moved.name);
    expect(after.lockVersion).toBe(moved.lockVersion);
    expect(after.repoUrlUpdatedAt).toEqual(moved.repoUrlUpdatedAt);
    expect(await changeCount(project.id)).toBe(changes);
  });

  it('refuses emptying the field within 180 days, so it cannot be emptied and refilled', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner, { repoUrl: 'https://github.com/example/empty-me', homepageUrl: 'https://example.org/home' });
    await setUpdatedAt(project.id, new Date(Date.now() - 10 * DAY));
    const agent = await loginAs(t.app, owner);
    const res = await edit(agent, project.id, { repo_url: '' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('it can next be changed on');
    expect((await t.db.projects.findById(project.id))!.repoUrl).toBe('https://github.com/example/empty-me');
  });

  it('allows http → https at any time and records the change', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner, { repoUrl: 'http://git.example.org/widget' });
    const lastChange = new Date(Date.now() - DAY);
    await setUpdatedAt(project.id, lastChange);
    const agent = await loginAs(t.app, owner);
    expect((await edit(agent, project.id, { repo_url: 'https://git.example.org/widget/' })).status).toBe(303);
    const after = (await t.db.projects.findById(project.id))!;
    expect(after.repoUrl).toBe('https://git.example.org/widget');
    expect(after.repoUrlUpdatedAt!.getTime()).toBeGreaterThan(lastChange.getTime());
  });

  it('allows another repository once the last change is more than 180 days old', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner, { repoUrl: 'https://github.com/example/old-home' });
    await setUpdatedAt(project.id, new Date(Date.now() - 181 * DAY));
    const agent = await loginAs(t.app, owner);
    expect((await edit(agent, project.id, { repo_url: 'https://github.com/example/new-home' })).status).toBe(303);
    expect((await t.db.projects.findById(project.id))!.repoUrl).toBe('https://github.com/example/new-home');
  });

  it('lets an admin change it at any time', async () => {
    const owner = await createUser(t.ctx);
    const admin = await createUser(t.ctx, { role: 'admin' });
    const project = await createProject(t.ctx, owner, { repoUrl: 'https://github.com/example/admin-moves' });
    await setUpdatedAt(project.id, new Date(Date.now() - DAY));
    const agent = await loginAs(t.app, admin);
    expect((await edit(agent, project.id, { repo_url: 'https://github.com/example/admin-moved' })).status).toBe(303);
    expect((await t.db.projects.findById(project.id))!.repoUrl).toBe('https://github.com/example/admin-moved');
  });

  it('does not touch repo_url_updated_at when the form sends the URL unchanged', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner, { repoUrl: 'https://github.com/example/same' });
    const lastChange = new Date(Date.now() - DAY);
    await setUpdatedAt(project.id, lastChange);
    const agent = await loginAs(t.app, owner);
    expect((await edit(agent, project.id, { repo_url: 'https://github.com/example/same', name: 'Renamed' })).status).toBe(303);
    const after = (await t.db.projects.findById(project.id))!;
    expect(after.name).toBe('Renamed');
    expect(after.repoUrlUpdatedAt).toEqual(lastChange);
  });

  it('explains the limit next to the field on the edit form', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner);
    const agent = await loginAs(t.app, owner);
    const page = await agent.get(`/projects/${project.id}/passing/edit`).expect(200);
    expect(page.text).toContain('id="repo_url-hint"');
    expect(page.text).toContain('can be changed only once every 180 days');
    expect(page.text).toMatch(/id="repo_url"[^>]*aria-describedby="repo_url-hint"/);
  });
});
