import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import type { User } from '../../src/db/types.ts';
import { purgeDeletedProjects } from '../../src/services/deletion.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { createProject, createUser, csrfFor, loginAs } from '../support/factories.ts';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
});

afterAll(async () => {
  await t.close();
});

const GOOD_REASON = 'The project moved to another entry and this one is obsolete.';
const DAY = 24 * 60 * 60 * 1000;

async function postDelete(agent: Awaited<ReturnType<typeof loginAs>>, id: number, fields: Record<string, string>) {
  const token = await csrfFor(agent, '/projects/new');
  return agent.post(`/projects/${id}/delete`).type('form').send({ _csrf: token, ...fields });
}

async function changeKinds(projectId: number): Promise<string[]> {
  return (await t.db.projects.changes(projectId, 20)).map((c) => c.kind);
}

describe('GET /projects/:id/delete (confirmation form)', () => {
  it('sends anonymous users to the login page', async () => {
    const project = await createProject(t.ctx, await createUser(t.ctx));
    const res = await request(t.app).get(`/projects/${project.id}/delete`).expect(303);
    expect(res.headers.location).toBe('/login');
  });

  it('shows the owner a labelled, required rationale field with the rules', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner, { name: 'Doomed' });
    const agent = await loginAs(t.app, owner);
    const res = await agent.get(`/projects/${project.id}/delete`).expect(200);
    expect(res.text).toContain('<label for="deletion_rationale">');
    expect(res.text).toMatch(/<textarea id="deletion_rationale" name="deletion_rationale"[^>]* required[^>]* minlength="20"/);
    expect(res.text).toContain('at least 20 characters, 15 of them not spaces');
    expect(res.text).toMatch(/name="_csrf" value="[^"]+"/);
    expect(res.text).toContain(`action="/projects/${project.id}/delete"`);
  });

  it('refuses other users and collaborators (403) but lets admins in', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner);
    const collaborator = await createUser(t.ctx);
    await t.db.collaborators.add(project.id, collaborator.id, new Date());
    await (await loginAs(t.app, await createUser(t.ctx))).get(`/projects/${project.id}/delete`).expect(403);
    await (await loginAs(t.app, collaborator)).get(`/projects/${project.id}/delete`).expect(403);
    const admin = await loginAs(t.app, await createUser(t.ctx, { role: 'admin' }));
    const res = await admin.get(`/projects/${project.id}/delete`).expect(200);
    expect(res.text).not.toContain('minlength="20"');
  });

  it('answers 404 for a project that does not exist', async () => {
    const agent = await loginAs(t.app, await createUser(t.ctx));
    await agent.get('/projects/999999/delete').expect(404);
  });
});

describe('Delete link on the project page', () => {
  it('is shown to the owner and admins only', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner);
    const link = `href="/projects/${project.id}/delete"`;
    expect((await (await loginAs(t.app, owner)).get(`/projects/${project.id}/passing`).expect(200)).text).toContain(link);
    const admin = await loginAs(t.app, await createUser(t.ctx, { role: 'admin' }));
    expect((await admin.get(`/projects/${project.id}/passing`).expect(200)).text).toContain(link);
    const stranger = await loginAs(t.app, await createUser(t.ctx));
    expect((await stranger.get(`/projects/${project.id}/passing`).expect(200)).text).not.toContain(link);
    expect((await request(t.app).get(`/projects/${project.id}/passing`).expect(200)).text).not.toContain(link);
  });
});

describe('POST /projects/:id/delete', () => {
  let owner: User;

  beforeAll(async () => {
    owner = await createUser(t.ctx);
  });

  it.each([
    ['', 'Give a reason.'],
    ['   \n  ', 'Give a reason.'],
    ['too short', 'Explain in at least 20 characters (15 of them not spaces)'],
    // 23 characters but only 12 that are not spaces.
    ['a b c d e f g h i j k l', 'Explain in at least 20 characters (15 of them not spaces)'],
    ['bad\u0001control characters here', 'control characters'],
  ])('keeps the project and re-renders 422 for the rationale %j', async (rationale, message) => {
    const project = await createProject(t.ctx, owner);
    const agent = await loginAs(t.app, owner);
    const res = await postDelete(agent, project.id, { deletion_rationale: rationale });
    expect(res.status).toBe(422);
    expect(res.text).toContain(message);
    expect(res.text).toContain('aria-invalid="true"');
    expect(await t.db.projects.findById(project.id)).not.toBeNull();
    expect(await changeKinds(project.id)).not.toContain('delete');
  });

  it('keeps what the owner typed when re-rendering', async () => {
    const project = await createProject(t.ctx, owner);
    const agent = await loginAs(t.app, owner);
    const res = await postDelete(agent, project.id, { deletion_rationale: 'short <b>x</b>' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('short &lt;b&gt;x&lt;/b&gt;</textarea>');
  });

  it('refuses a non-owner with 403 and leaves the project alone', async () => {
    const project = await createProject(t.ctx, owner);
    const stranger = await loginAs(t.app, await createUser(t.ctx));
    expect((await postDelete(stranger, project.id, { deletion_rationale: GOOD_REASON })).status).toBe(403);
    expect(await t.db.projects.findById(project.id)).not.toBeNull();
  });

  it('refuses a POST without a CSRF token', async () => {
    const project = await createProject(t.ctx, owner);
    const agent = await loginAs(t.app, owner);
    await agent.post(`/projects/${project.id}/delete`).type('form').send({ deletion_rationale: GOOD_REASON }).expect(403);
    expect(await t.db.projects.findById(project.id)).not.toBeNull();
  });

  it('soft-deletes for the owner, records who and why, and hides the project everywhere', async () => {
    const project = await createProject(t.ctx, owner, { name: 'Vanishing', repoUrl: 'https://github.com/example/vanishing' });
    const agent = await loginAs(t.app, owner);
    const res = await postDelete(agent, project.id, { deletion_rationale: `  ${GOOD_REASON}  ` });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/');
    const home = await agent.get('/en').expect(200);
    expect(home.text).toContain('The project “Vanishing” was deleted.');
    expect(home.text).not.toContain(`href="/projects/${project.id}"`);

    const row = await t.db.projects.findByIdIncludingDeleted(project.id);
    expect(row?.deletedAt).toBeInstanceOf(Date);
    expect(row).toMatchObject({ deletedById: owner.id, deletionRationale: GOOD_REASON });
    const [change] = await t.db.projects.changes(project.id, 1);
    expect(change).toMatchObject({ kind: 'delete', userId: owner.id, changes: { deletion_rationale: [null, GOOD_REASON] } });

    await request(t.app).get(`/projects/${project.id}/passing`).expect(404);
    await request(t.app).get(`/projects/${project.id}/badge`).expect(404);
    await request(t.app).get(`/projects/${project.id}/badge.json`).expect(404);
    await request(t.app).get(`/projects/${project.id}.json`).expect(404);
    await agent.get(`/projects/${project.id}/passing/edit`).expect(404);
    await agent.get(`/projects/${project.id}/delete`).expect(404);
    // A second delete (e.g. a double submit) finds nothing and changes nothing.
    expect((await postDelete(agent, project.id, { deletion_rationale: GOOD_REASON })).status).toBe(404);
    expect((await changeKinds(project.id)).filter((k) => k === 'delete')).toHaveLength(1);
  });

  it('keeps the repository URL reserved while the project can be restored', async () => {
    const project = await createProject(t.ctx, owner, { repoUrl: 'https://github.com/example/reserved' });
    const agent = await loginAs(t.app, owner);
    expect((await postDelete(agent, project.id, { deletion_rationale: GOOD_REASON })).status).toBe(303);
    const other = await loginAs(t.app, await createUser(t.ctx));
    const res = await other
      .post('/projects')
      .type('form')
      .send({ _csrf: await csrfFor(other), repo_url: 'https://github.com/example/reserved', name: 'Squatter' })
      .expect(422);
    expect(res.text).toContain('already uses this repository URL');
    expect((await t.db.projects.findByIdIncludingDeleted(project.id))?.userId).toBe(owner.id);
  });

  it('lets an admin delete any project with a short rationale, but not with none', async () => {
    const project = await createProject(t.ctx, owner);
    const adminUser = await createUser(t.ctx, { role: 'admin' });
    const admin = await loginAs(t.app, adminUser);
    expect((await postDelete(admin, project.id, { deletion_rationale: '' })).status).toBe(422);
    expect(await t.db.projects.findById(project.id)).not.toBeNull();
    expect((await postDelete(admin, project.id, { deletion_rationale: 'spam' })).status).toBe(303);
    expect(await t.db.projects.findByIdIncludingDeleted(project.id)).toMatchObject({ deletedById: adminUser.id, deletionRationale: 'spam' });
  });

  it('makes an edit form opened before the deletion unable to save', async () => {
    const project = await createProject(t.ctx, owner);
    const agent = await loginAs(t.app, owner);
    const token = await csrfFor(agent, `/projects/${project.id}/passing/edit`);
    expect((await postDelete(agent, project.id, { deletion_rationale: GOOD_REASON })).status).toBe(303);
    await agent
      .post(`/projects/${project.id}/passing/edit`)
      .type('form')
      .send({ _csrf: token, lock_version: String(project.lockVersion), name: 'Revived?' })
      .expect(404);
    expect((await t.db.projects.findByIdIncludingDeleted(project.id))?.name).toBe(project.name);
  });
});

describe('purgeDeletedProjects', () => {
  it('hard-deletes projects deleted longer ago than the window and frees their repo URLs', async () => {
    const owner = await createUser(t.ctx);
    const old = await createProject(t.ctx, owner, { repoUrl: 'https://github.com/example/purge-old' });
    const recent = await createProject(t.ctx, owner, { repoUrl: 'https://github.com/example/purge-recent' });
    const live = await createProject(t.ctx, owner);
    const now = Date.now();
    await t.db.admin.softDeleteProject(old.id, owner.id, GOOD_REASON, new Date(now - 31 * DAY));
    await t.db.projects.recordChange(old.id, owner.id, 'delete', {}, new Date(now - 31 * DAY));
    await t.db.admin.softDeleteProject(recent.id, owner.id, GOOD_REASON, new Date(now - 29 * DAY));

    const purged = await purgeDeletedProjects({ ...t.ctx, now: () => new Date(now) });
    expect(purged).toBeGreaterThanOrEqual(1);
    expect(await t.db.projects.findByIdIncludingDeleted(old.id)).toBeNull();
    expect(await t.db.projects.changes(old.id, 10)).toEqual([]);
    expect(await t.db.projects.findIdByRepoUrl('https://github.com/example/purge-old')).toBeNull();
    expect((await t.db.projects.findByIdIncludingDeleted(recent.id))?.deletedAt).toBeInstanceOf(Date);
    expect(await t.db.projects.findById(live.id)).not.toBeNull();

    // A shorter window reaches the recent one too; live projects are never touched.
    await purgeDeletedProjects({ ...t.ctx, now: () => new Date(now) }, 7);
    expect(await t.db.projects.findByIdIncludingDeleted(recent.id)).toBeNull();
    expect(await t.db.projects.findById(live.id)).not.toBeNull();
  });

  it('rejects a negative or fractional window', async () => {
    await expect(purgeDeletedProjects(t.ctx, -1)).rejects.toThrow(RangeError);
    await expect(purgeDeletedProjects(t.ctx, 1.5)).rejects.toThrow(RangeError);
  });
});
