import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import type { User } from '../../src/db/types.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { DEFAULT_PASSWORD, createProject, createUser, csrfFor, csrfFrom, loginAs } from '../support/factories.ts';

let t: TestApp;
let adminUser: User;
let admin: TestAgent;

beforeAll(async () => {
  t = await buildTestApp();
  adminUser = await createUser(t.ctx, { role: 'admin', name: 'Ada Admin' });
  admin = await loginAs(t.app, adminUser);
});

afterAll(async () => {
  await t.close();
});

async function post(agent: TestAgent, path: string, fields: Record<string, string> = {}) {
  const token = await csrfFor(agent, '/projects/new');
  return agent.post(path).type('form').send({ _csrf: token, ...fields });
}

const GET_PAGES = ['/admin', '/admin/users', '/admin/projects/deleted', '/admin/changes'];

describe('access to the admin area', () => {
  it.each(GET_PAGES)('sends anonymous users from %s to the login page', async (path) => {
    const res = await request(t.app).get(path).expect(303);
    expect(res.headers.location).toBe('/login');
  });

  it('refuses logged-in non-admins with 403 on every page and action, changing nothing', async () => {
    const user = await createUser(t.ctx);
    const victim = await createUser(t.ctx);
    const agent = await loginAs(t.app, user);
    for (const path of [...GET_PAGES, `/admin/users/${victim.id}`]) await agent.get(path).expect(403);
    const project = await createProject(t.ctx, victim);
    await t.db.admin.softDeleteProject(project.id, victim.id, 'deleted for the access test', new Date());
    for (const path of [`/admin/users/${victim.id}/block`, `/admin/users/${victim.id}/delete`, `/admin/projects/${project.id}/restore`]) {
      const res = await post(agent, path, { blocked_rationale: 'x', delete_projects: '1' });
      expect(res.status, path).toBe(403);
    }
    expect(await t.db.users.findById(victim.id)).toMatchObject({ blocked: false });
    expect(await t.db.projects.findById(project.id)).toBeNull();
  });

  it('lets admins in and shows the Admin link to them only', async () => {
    for (const path of GET_PAGES) await admin.get(path).expect(200);
    expect((await admin.get('/en').expect(200)).text).toContain('href="/en/admin"');
    const user = await loginAs(t.app, await createUser(t.ctx));
    expect((await user.get('/en').expect(200)).text).not.toContain('href="/en/admin"');
  });

  it('explains admin overrides on the index page and links every tool', async () => {
    const res = await admin.get('/admin').expect(200);
    expect(res.text).toContain('Overriding answers');
    expect(res.text).toContain('administrator override');
    for (const href of ['/admin/users', '/admin/projects/deleted', '/admin/changes']) expect(res.text).toContain(`href="${href}"`);
  });
});

describe('GET /admin/users', () => {
  it('lists users with email, state and live project count', async () => {
    const user = await createUser(t.ctx, { name: 'Listed Person', email: 'listed.person@example.org' });
    await createProject(t.ctx, user);
    const gone = await createProject(t.ctx, user);
    await t.db.admin.softDeleteProject(gone.id, user.id, 'not counted as live', new Date());
    const res = await admin.get('/admin/users').query({ q: 'Listed Person' }).expect(200);
    const row = new RegExp(`<tr><td>${user.id}</td><td><a href="/admin/users/${user.id}">Listed Person</a></td><td>local</td><td>listed.person@example.org</td><td>yes</td><td>no</td><td>[^<]+</td><td>—</td><td>1</td></tr>`);
    expect(res.text).toMatch(row);
  });

  it('matches part of a name or an exact email, ignoring case', async () => {
    const a = await createUser(t.ctx, { name: 'Zebulon Quarkfinder', email: 'zq@example.org' });
    const b = await createUser(t.ctx, { name: 'Other Name', email: 'Quarkfinder-mail@example.org' });
    const byName = await admin.get('/admin/users').query({ q: 'quarkFINDER' }).expect(200);
    expect(byName.text).toContain(`href="/admin/users/${a.id}"`);
    expect(byName.text).not.toContain(`href="/admin/users/${b.id}"`);
    const byEmail = await admin.get('/admin/users').query({ q: ' QUARKFINDER-MAIL@example.org ' }).expect(200);
    expect(byEmail.text).toContain(`href="/admin/users/${b.id}"`);
    expect(byEmail.text).not.toContain(`href="/admin/users/${a.id}"`);
    const partialEmail = await admin.get('/admin/users').query({ q: 'zq@example' }).expect(200);
    expect(partialEmail.text).not.toContain(`href="/admin/users/${a.id}"`);
    expect(partialEmail.text).toContain('No users match.');
    // LIKE wildcards in the query are plain characters, not "match everything".
    for (const q of ['%', '_', 'Zebulon%Quark']) {
      expect((await admin.get('/admin/users').query({ q }).expect(200)).text, q).toContain('No users match.');
    }
    const literal = await createUser(t.ctx, { name: 'Snake_Case 100% Person' });
    expect((await admin.get('/admin/users').query({ q: 'snake_case 100%' }).expect(200)).text).toContain(`href="/admin/users/${literal.id}"`);
  });

  it('pages through results 50 at a time', async () => {
    for (let i = 0; i < 53; i += 1) await createUser(t.ctx, { name: `Pagey ${String(i).padStart(2, '0')}` });
    const first = await admin.get('/admin/users').query({ q: 'pagey' }).expect(200);
    expect(first.text.match(/<a href="\/admin\/users\/\d+">Pagey/g)).toHaveLength(50);
    expect(first.text).toContain('53 users');
    expect(first.text).toContain('href="/admin/users?q=pagey&amp;page=2"');
    const second = await admin.get('/admin/users').query({ q: 'pagey', page: '2' }).expect(200);
    expect(second.text.match(/<a href="\/admin\/users\/\d+">Pagey/g)).toHaveLength(3);
    expect(second.text).toContain('Page 2 of 2');
  });

  it.each([
    [{ q: 'x'.repeat(255) }, 'The search text is too long (at most 254 characters).'],
    [{ q: 'a\u0002b' }, 'control characters'],
    [{ page: '0' }, 'The page number must be a whole number from 1.'],
    [{ page: 'two' }, 'The page number must be a whole number from 1.'],
  ])('answers 422 with a message for %j', async (query, message) => {
    const res = await admin.get('/admin/users').query(query).expect(422);
    expect(res.text).toContain(message);
    expect(res.text).not.toContain('<table');
  });
});

describe('blocking users', () => {
  it('blocks with a rationale, ends existing sessions and stops logins and writes', async () => {
    const user = await createUser(t.ctx);
    const project = await createProject(t.ctx, user);
    const session = await loginAs(t.app, user);
    const token = await csrfFor(session, `/projects/${project.id}/passing/edit`);

    const res = await post(admin, `/admin/users/${user.id}/block`, { blocked_rationale: 'Posting spam links' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/admin/users/${user.id}`);
    expect(await t.db.users.findById(user.id)).toMatchObject({ blocked: true, blockedRationale: 'Posting spam links' });
    const page = await admin.get(`/admin/users/${user.id}`).expect(200);
    expect(page.text).toContain('is blocked and has been logged out everywhere.');
    expect(page.text).toContain('Posting spam links');

    // The old session no longer carries the user: pages want a login and saves are refused.
    expect((await session.get('/projects/new').expect(303)).headers.location).toBe('/login');
    await session
      .post(`/projects/${project.id}/passing/edit`)
      .type('form')
      .send({ _csrf: token, lock_version: String(project.lockVersion), name: 'Hijacked' })
      .expect(401);
    expect((await t.db.projects.findById(project.id))?.name).toBe(project.name);

    const login = request.agent(t.app);
    const form = await login.get('/login').expect(200);
    await login.post('/login').type('form').send({ _csrf: csrfFrom(form.text), email: user.email, password: DEFAULT_PASSWORD }).expect(401);
  });

  it('unblocks, after which the user can log in again', async () => {
    const user = await createUser(t.ctx);
    expect((await post(admin, `/admin/users/${user.id}/block`, { blocked_rationale: 'mistake' })).status).toBe(303);
    expect((await post(admin, `/admin/users/${user.id}/unblock`)).status).toBe(303);
    expect(await t.db.users.findById(user.id)).toMatchObject({ blocked: false, blockedRationale: null });
    await loginAs(t.app, user);
  });

  it('requires a rationale (422) and refuses blocking oneself', async () => {
    const user = await createUser(t.ctx);
    const res = await post(admin, `/admin/users/${user.id}/block`, { blocked_rationale: '  ' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Give a reason.');
    expect(await t.db.users.findById(user.id)).toMatchObject({ blocked: false });

    const self = await post(admin, `/admin/users/${adminUser.id}/block`, { blocked_rationale: 'oops' });
    expect(self.status).toBe(422);
    expect(self.text).toContain('You cannot block your own account.');
    expect(await t.db.users.findById(adminUser.id)).toMatchObject({ blocked: false });
  });

  it("shows a user's page with labelled block and delete forms, but not for oneself", async () => {
    const user = await createUser(t.ctx, { email: 'shown@example.org' });
    const res = await admin.get(`/admin/users/${user.id}`).expect(200);
    expect(res.text).toContain('shown@example.org');
    expect(res.text).toContain(`action="/admin/users/${user.id}/block"`);
    expect(res.text).toContain('<label for="blocked_rationale">');
    expect(res.text).toContain('<label for="delete_projects">');
    expect(res.text.match(/name="_csrf"/g)?.length).toBeGreaterThanOrEqual(3);
    const own = await admin.get(`/admin/users/${adminUser.id}`).expect(200);
    expect(own.text).toContain('This is your own account.');
    expect(own.text).not.toContain(`action="/admin/users/${adminUser.id}/block"`);
  });

  it('answers 404 for an unknown user', async () => {
    await admin.get('/admin/users/999999').expect(404);
    expect((await post(admin, '/admin/users/999999/block', { blocked_rationale: 'x' })).status).toBe(404);
  });
});

describe('deleting users', () => {
  it('removes an account without projects, with its collaborator rights', async () => {
    const user = await createUser(t.ctx);
    const project = await createProject(t.ctx, await createUser(t.ctx));
    await t.db.collaborators.add(project.id, user.id, new Date());
    const res = await post(admin, `/admin/users/${user.id}/delete`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/users');
    expect(await t.db.users.findById(user.id)).toBeNull();
    expect((await t.db.projects.findById(project.id))?.additionalRightUserIds).toEqual([]);
    expect((await admin.get('/admin/users').expect(200)).text).toContain(`The account of ${user.name} was deleted.`);
  });

  it('refuses (422) while the user owns live projects, unless told to delete them too', async () => {
    const user = await createUser(t.ctx);
    const p1 = await createProject(t.ctx, user);
    const p2 = await createProject(t.ctx, user);
    const refused = await post(admin, `/admin/users/${user.id}/delete`);
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('This user still owns 2 projects.');
    expect(await t.db.users.findById(user.id)).not.toBeNull();
    expect(await t.db.projects.findById(p1.id)).not.toBeNull();

    const res = await post(admin, `/admin/users/${user.id}/delete`, { delete_projects: '1' });
    expect(res.status).toBe(303);
    for (const p of [p1, p2]) {
      expect(await t.db.projects.findById(p.id)).toBeNull();
      expect(await t.db.projects.findByIdIncludingDeleted(p.id)).toMatchObject({ deletedById: adminUser.id, deletionRationale: 'spam clean-up by admin' });
      expect((await t.db.projects.changes(p.id, 1))[0]).toMatchObject({ kind: 'delete', userId: adminUser.id });
    }
    // The deleted projects still point at the account, so it is emptied and blocked rather than removed.
    expect(await t.db.users.findById(user.id)).toMatchObject({ name: 'deleted user', email: null, passwordDigest: null, blocked: true, role: null });
    expect((await admin.get('/admin/users').expect(200)).text).toContain('was emptied and blocked');
    const login = request.agent(t.app);
    const form = await login.get('/login').expect(200);
    await login.post('/login').type('form').send({ _csrf: csrfFrom(form.text), email: user.email, password: DEFAULT_PASSWORD }).expect(401);
  });

  it('anonymises an account whose only projects are already soft-deleted', async () => {
    const user = await createUser(t.ctx);
    const project = await createProject(t.ctx, user);
    await t.db.admin.softDeleteProject(project.id, user.id, 'deleted by the owner earlier', new Date());
    expect((await post(admin, `/admin/users/${user.id}/delete`)).status).toBe(303);
    expect(await t.db.users.findById(user.id)).toMatchObject({ name: 'deleted user', email: null, blocked: true });
    expect(await t.db.projects.findByIdIncludingDeleted(project.id)).toMatchObject({ userId: user.id, deletionRationale: 'deleted by the owner earlier' });
  });

  it('refuses an admin deleting their own account', async () => {
    const res = await post(admin, `/admin/users/${adminUser.id}/delete`, { delete_projects: '1' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('You cannot delete your own account from the admin pages.');
    expect(await t.db.users.findById(adminUser.id)).not.toBeNull();
  });

  it('rejects a malformed option with 422', async () => {
    const user = await createUser(t.ctx);
    const res = await post(admin, `/admin/users/${user.id}/delete`, { delete_projects: 'yes please' });
    expect(res.status).toBe(422);
    expect(await t.db.users.findById(user.id)).not.toBeNull();
  });
});

describe('deleted projects and restoring', () => {
  it('lists recent deletions with who and why, but not older ones', async () => {
    const owner = await createUser(t.ctx, { name: 'Owner Of Deleted' });
    const recent = await createProject(t.ctx, owner, { name: 'Recently Gone' });
    const old = await createProject(t.ctx, owner, { name: 'Long Gone' });
    await t.db.admin.softDeleteProject(recent.id, adminUser.id, 'Duplicate <entry> of another project', new Date());
    await t.db.admin.softDeleteProject(old.id, adminUser.id, 'ancient', new Date(Date.now() - 40 * 24 * 60 * 60 * 1000));
    const res = await admin.get('/admin/projects/deleted').expect(200);
    expect(res.text).toContain('Recently Gone');
    expect(res.text).toContain('Duplicate &lt;entry&gt; of another project');
    expect(res.text).toContain('>Ada Admin</a>');
    expect(res.text).toContain(`action="/admin/projects/${recent.id}/restore"`);
    expect(res.text).not.toContain('Long Gone');
  });

  it('restores a deleted project and records it', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner, { name: 'Back Again' });
    await t.db.admin.softDeleteProject(project.id, owner.id, 'deleted by mistake, sorry', new Date());
    const res = await post(admin, `/admin/projects/${project.id}/restore`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/projects/${project.id}`);
    const restored = await t.db.projects.findById(project.id);
    expect(restored).toMatchObject({ name: 'Back Again', deletedAt: null, deletedById: null, deletionRationale: null });
    expect((await t.db.projects.changes(project.id, 1))[0]).toMatchObject({ kind: 'restore', userId: adminUser.id });
    await request(t.app).get(`/projects/${project.id}/badge`).expect(200);
  });

  it('answers 404 when restoring a project that is not deleted', async () => {
    const project = await createProject(t.ctx, await createUser(t.ctx));
    expect((await post(admin, `/admin/projects/${project.id}/restore`)).status).toBe(404);
    expect((await t.db.projects.changes(project.id, 5)).map((c) => c.kind)).not.toContain('restore');
  });

  it('answers 422 for a bad page number', async () => {
    const res = await admin.get('/admin/projects/deleted').query({ page: '-1' }).expect(422);
    expect(res.text).toContain('The page number must be a whole number from 1.');
  });
});

describe('GET /admin/changes', () => {
  it('lists recent changes with their fields and highlights admin overrides', async () => {
    const owner = await createUser(t.ctx, { name: 'Careful Owner' });
    const project = await createProject(t.ctx, owner, { name: 'Spot Checked' });
    const ownerAgent = await loginAs(t.app, owner);
    const edit = async (agent: TestAgent, lockVersion: number, fields: Record<string, string>) => {
      const token = await csrfFor(agent, `/projects/${project.id}/passing/edit`);
      const res = await agent.post(`/projects/${project.id}/passing/edit`).type('form').send({ _csrf: token, lock_version: String(lockVersion), ...fields });
      expect(res.status).toBe(303);
    };
    await edit(ownerAgent, 0, { description_good_status: 'Met', description_good_justification: 'We describe it.' });
    await edit(admin, 1, { description_good_status: 'Unmet' });

    const res = await admin.get('/admin/changes').expect(200);
    const rows = res.text.split('<tr').filter((r) => r.includes(`href="/projects/${project.id}"`));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('class="admin-override"');
    expect(rows[0]).toContain('<strong>admin override</strong>');
    expect(rows[0]).toContain('>Ada Admin</a>');
    expect(rows[0]).toContain('description_good_status');
    expect(rows[1]).not.toContain('admin-override');
    expect(rows[1]).toContain('>Careful Owner</a>');
    expect(rows[1]).toContain('description_good_justification, description_good_status');

    const filtered = await admin.get('/admin/changes').query({ kind: 'admin_override' }).expect(200);
    expect(filtered.text).toContain(`href="/projects/${project.id}"`);
    expect(filtered.text).not.toContain('<td>edited</td>');
    expect(res.text).toContain('<td>edited</td>');
  });

  it('shows deleted projects without a link', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner, { name: 'Unlinked' });
    await t.db.admin.softDeleteProject(project.id, owner.id, 'gone for the changes test', new Date());
    await t.db.projects.recordChange(project.id, owner.id, 'delete', { deletion_rationale: [null, 'gone'] }, new Date());
    const res = await admin.get('/admin/changes').query({ kind: 'delete' }).expect(200);
    expect(res.text).toContain('Unlinked (deleted)');
    expect(res.text).not.toContain(`href="/projects/${project.id}"`);
  });

  it.each([[{ kind: 'bogus' }], [{ page: '1000000' }]])('answers 422 for %j', async (query) => {
    const res = await admin.get('/admin/changes').query(query).expect(422);
    expect(res.text).toContain('form-errors');
  });
});
