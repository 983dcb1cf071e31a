import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import type { User } from '../../src/db/types.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { createProject, createUser, csrfFrom, loginAs } from '../support/factories.ts';
import type { ChangeJson } from '../../src/presenters/project-history.ts';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
});

afterAll(async () => {
  await t.close();
});

async function grant(projectId: number, user: User) {
  await t.db.pool.query('INSERT INTO additional_rights (project_id, user_id, updated_at) VALUES ($1, $2, now())', [projectId, user.id]);
}

/** Saves through the real edit form (CSRF token and lock version taken from the page). */
async function save(agent: TestAgent, projectId: number, level: string, fields: Record<string, string>) {
  const page = await agent.get(`/projects/${projectId}/${level}/edit`).expect(200);
  const lock = /name="lock_version" value="(\d+)"/.exec(page.text)![1]!;
  await agent
    .post(`/projects/${projectId}/${level}/edit`)
    .type('form')
    .send({ _csrf: csrfFrom(page.text), lock_version: lock, ...fields })
    .expect(303);
}


/** A project with an owner edit, a collaborator edit and an admin override, all through the form. */
async function projectWithHistory() {
  const owner = await createUser(t.ctx, { name: 'Olive Owner' });
  const collaborator = await createUser(t.ctx, { name: 'Carl Collaborator' });
  const admin = await createUser(t.ctx, { name: 'Ada Admin', role: 'admin' });
  const stranger = await createUser(t.ctx);
  const project = await createProject(t.ctx, owner, { name: 'History Widget' });
  await grant(project.id, collaborator);
  const ownerAgent = await loginAs(t.app, owner);
  await save(ownerAgent, project.id, 'passing', { name: 'History Widget 2', interact_status: 'Met', interact_justification: 'Issues on GitHub.' });
  const collaboratorAgent = await loginAs(t.app, collaborator);
  await save(collaboratorAgent, project.id, 'baseline-1', { osps_ac_01_01_status: 'Unmet' });
  const adminAgent = await loginAs(t.app, admin);
  await save(adminAgent, project.id, 'passing', { interact_status: 'Unmet' });
  return { owner, collaborator, admin, stranger, project, ownerAgent, collaboratorAgent, adminAgent };
}

describe('GET /projects/:id/history', () => {
  it('shows the owner each change with who, what and old → new, newest first', async () => {
    const { project, ownerAgent } = await projectWithHistory();
    const res = await ownerAgent.get(`/projects/${project.id}/history`).expect(200);
    expect(res.text).toContain('History of History Widget 2');
    // The list only: the navigation names the signed-in owner as well.
    const html = res.text.slice(res.text.indexOf('<ol class="history"'));
    // Newest first: the admin override, then the collaborator, then the owner.
    const ada = html.indexOf('Ada Admin');
    const carl = html.indexOf('Carl Collaborator');
    const olive = html.indexOf('Olive Owner');
    expect(ada).toBeGreaterThanOrEqual(0);
    expect(ada).toBeLessThan(carl);
    expect(carl).toBeLessThan(olive);
    // The admin's change is highlighted as an override.
    expect(html).toMatch(/<li class="history-entry admin-override"[^>]*>[\s\S]*?changed by an admin \(override\)/);
    expect((html.match(/admin-override/g) ?? []).length).toBeGreaterThanOrEqual(1);
    // Fields with criterion ids (baseline in OSPS form) and old → new values.
    expect(html).toContain('[interact]');
    expect(html).toContain('[OSPS-AC-01.01]');
    expect(html).toContain('<del>Met</del>');
    expect(html).toContain('<ins>Unmet</ins>');
    expect(html).toContain('<ins>Issues on GitHub.</ins>');
    expect(html).toContain('<del>History Widget</del>');
    expect(html).toContain('<ins>History Widget 2</ins>');
    // The owner may also export it.
    expect(res.text).toContain(`href="/projects/${project.id}/history.json"`);
  });

  it('is open to collaborators and admins, not to other users; anonymous users must log in', async () => {
    const { project, collaboratorAgent, adminAgent, stranger } = await projectWithHistory();
    const asCollaborator = await collaboratorAgent.get(`/projects/${project.id}/history`).expect(200);
    expect(asCollaborator.text).not.toContain(`href="/projects/${project.id}/history.json"`);
    await adminAgent.get(`/projects/${project.id}/history`).expect(200);
    const strangerAgent = await loginAs(t.app, stranger);
    await strangerAgent.get(`/projects/${project.id}/history`).expect(403);
    const anonymous = await request(t.app).get(`/projects/${project.id}/history`).expect(303);
    expect(anonymous.headers.location).toBe('/login');
    await adminAgent.get(`/projects/${project.id + 100000}/history`).expect(404);
  });

  it('is linked from the project page only for people who may edit', async () => {
    const { project, ownerAgent, stranger } = await projectWithHistory();
    const own = await ownerAgent.get(`/projects/${project.id}/passing`).expect(200);
    expect(own.text).toContain(`href="/projects/${project.id}/history"`);
    const strangerAgent = await loginAs(t.app, stranger);
    const other = await strangerAgent.get(`/projects/${project.id}/passing`).expect(200);
    expect(other.text).not.toContain(`href="/projects/${project.id}/history"`);
    const anonymous = await request(t.app).get(`/projects/${project.id}/passing`).expect(200);
    expect(anonymous.text).not.toContain(`/history"`);
  });

  it('says so when nothing has been recorded', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner);
    const agent = await loginAs(t.app, owner);
    const res = await agent.get(`/projects/${project.id}/history`).expect(200);
    expect(res.text).toContain('No changes have been recorded yet.');
  });
});

describe('GET /projects/:id/history.json', () => {
  it('gives the owner the changes newest first in the documented shape', async () => {
    const { project, owner, collaborator, admin, ownerAgent } = await projectWithHistory();
    const res = await ownerAgent.get(`/projects/${project.id}/history.json`).expect(200).expect('Content-Type', /application\/json/);
    const body = res.body as ChangeJson[];
    expect(body).toHaveLength(3);
    expect(body.map((c) => c.user_id)).toEqual([admin.id, collaborator.id, owner.id]);
    expect(body.map((c) => c.kind)).toEqual(['admin_override', 'edit', 'edit']);
    for (const change of body) {
      expect(Object.keys(change).sort()).toEqual(['changes', 'created_at', 'id', 'kind', 'user_id', 'user_name'].sort());
      expect(new Date(change.created_at).toISOString()).toBe(change.created_at);
    }
    expect(body[0]!.user_name).toBe('Ada Admin');
    expect(body[0]!.changes).toEqual({ interact_status: { old: 'Met', new: 'Unmet' } });
    expect(body[1]!.changes).toEqual({ osps_ac_01_01_status: { old: '?', new: 'Unmet' } });
    expect(body[2]!.changes).toMatchObject({
      name: { old: 'History Widget', new: 'History Widget 2' },
      interact_status: { old: '?', new: 'Met' },
      interact_justification: { old: null, new: 'Issues on GitHub.' },
    });
    expect(body[0]!.id).toBeGreaterThan(body[2]!.id);
  });

  it('is for the owner and admins only: JSON 403 for collaborators and others, 401 when anonymous', async () => {
    const { project, collaboratorAgent, adminAgent, stranger } = await projectWithHistory();
    const asAdmin = await adminAgent.get(`/projects/${project.id}/history.json`).expect(200);
    expect(asAdmin.body).toHaveLength(3);
    const forbiddenRes = await collaboratorAgent.get(`/projects/${project.id}/history.json`).expect(403).expect('Content-Type', /application\/json/);
    expect(forbiddenRes.body).toEqual({ error: expect.any(String) as string, details: null });
    const strangerAgent = await loginAs(t.app, stranger);
    await strangerAgent.get(`/projects/${project.id}/history.json`).expect(403);
    const anonymous = await request(t.app).get(`/projects/${project.id}/history.json`).expect(401).expect('Content-Type', /application\/json/);
    expect(anonymous.body).toEqual({ error: expect.any(String) as string, details: null });
    expect(anonymous.headers['set-cookie']).toBeUndefined();
    await adminAgent.get(`/projects/${project.id + 100000}/history.json`).expect(404).expect('Content-Type', /application\/json/);
  });

  it('returns at most 100 changes', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner);
    const base = Date.now();
    for (let i = 0; i < 105; i++) {
      await t.db.projects.recordChange(project.id, owner.id, 'edit', { name: [`n${i}`, `n${i + 1}`] }, new Date(base + i * 1000));
    }
    const agent = await loginAs(t.app, owner);
    const res = await agent.get(`/projects/${project.id}/history.json`).expect(200);
    const body = res.body as ChangeJson[];
    expect(body).toHaveLength(100);
    expect(body[0]!.changes).toEqual({ name: { old: 'n104', new: 'n105' } });
  });
});
