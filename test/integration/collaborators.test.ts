import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import type { User } from '../../src/db/types.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { createProject, createUser, csrfFor, loginAs } from '../support/factories.ts';
import { waitForMail } from '../support/smtp.ts';

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

async function rightsOf(projectId: number): Promise<number[]> {
  return (await t.db.projects.findById(projectId))!.additionalRightUserIds;
}

async function block(user: User) {
  await t.db.pool.query('UPDATE users SET blocked = true WHERE id = $1', [user.id]);
}

/** A visitor who is not logged in but holds a valid CSRF token, so only the login check can stop them. */
async function anonymous() {
  const agent = request.agent(t.app);
  return { agent, token: await csrfFor(agent, '/login') };
}

/** A project with an owner and one collaborator, plus logged-in agents for both. */
async function setup() {
  const owner = await createUser(t.ctx, { name: 'Olivia Owner' });
  const collaborator = await createUser(t.ctx, { name: 'Carl Collaborator' });
  const project = await createProject(t.ctx, owner);
  await grant(project.id, collaborator);
  return { owner, collaborator, project, ownerAgent: await loginAs(t.app, owner), collaboratorAgent: await loginAs(t.app, collaborator) };
}

describe('GET /projects/:id/collaborators', () => {
  it('sends anonymous visitors to the login page', async () => {
    const { project } = await setup();
    const res = await request(t.app).get(`/projects/${project.id}/collaborators`).expect(303);
    expect(res.headers.location).toBe('/login');
  });

  it('lists the owner and collaborators by name and id, without email addresses', async () => {
    const { owner, collaborator, project, ownerAgent, collaboratorAgent } = await setup();
    for (const agent of [ownerAgent, collaboratorAgent]) {
      const res = await agent.get(`/projects/${project.id}/collaborators`).expect(200);
      expect(res.text).toContain('Olivia Owner');
      expect(res.text).toContain('Carl Collaborator');
      expect(res.text).toContain(`<td>${owner.id}</td>`);
      expect(res.text).toContain(`<td>${collaborator.id}</td>`);
      expect(res.text).not.toContain(owner.email!);
      expect(res.text).not.toContain(collaborator.email!);
      expect(res.text).not.toContain('Email address</th>');
      expect(res.text).toContain('<label for="collaborator">User id or email address</label>');
      expect(res.text).toContain('name="_csrf"');
    }
    // The owner may remove others; a collaborator only sees a button to leave.
    const asOwner = await ownerAgent.get(`/projects/${project.id}/collaborators`);
    expect(asOwner.text).toContain(`action="/projects/${project.id}/collaborators/${collaborator.id}/delete"`);
    expect(asOwner.text).toContain('Remove Carl Collaborator');
    const asCollaborator = await collaboratorAgent.get(`/projects/${project.id}/collaborators`);
    expect(asCollaborator.text).toContain('Remove myself');
    expect(asCollaborator.text).not.toContain('Remove Carl Collaborator');
  });

  it('shows email addresses to admins', async () => {
    const { owner, collaborator, project } = await setup();
    const admin = await loginAs(t.app, await createUser(t.ctx, { role: 'admin' }));
    const res = await admin.get(`/projects/${project.id}/collaborators`).expect(200);
    expect(res.text).toContain('Email address</th>');
    expect(res.text).toContain(`<td>${owner.email!}</td>`);
    expect(res.text).toContain(`<td>${collaborator.email!}</td>`);
  });

  it('refuses other users with an explicit 403 message', async () => {
    const { project } = await setup();
    const stranger = await loginAs(t.app, await createUser(t.ctx));
    const res = await stranger.get(`/projects/${project.id}/collaborators`).expect(403);
    expect(res.text).toContain('Only the owner, collaborators and administrators may see and manage the collaborators');
  });

  it('is linked from the project page for editors only', async () => {
    const { project, ownerAgent } = await setup();
    const link = `href="/projects/${project.id}/collaborators"`;
    expect((await ownerAgent.get(`/projects/${project.id}/passing`).expect(200)).text).toContain(link);
    expect((await request(t.app).get(`/projects/${project.id}/passing`).expect(200)).text).not.toContain(link);
    const stranger = await loginAs(t.app, await createUser(t.ctx));
    expect((await stranger.get(`/projects/${project.id}/passing`).expect(200)).text).not.toContain(link);
  });

  it('answers 404 for an unknown project', async () => {
    const agent = await loginAs(t.app, await createUser(t.ctx));
    await agent.get('/projects/999999/collaborators').expect(404);
  });
});

describe('POST /projects/:id/collaborators (add)', () => {
  it('lets the owner add a user by id, records the change and tells the new collaborator by mail', async () => {
    const { owner, collaborator, project, ownerAgent } = await setup();
    const newcomer = await createUser(t.ctx, { name: 'Nina Newcomer' });
    const res = await ownerAgent
      .post(`/projects/${project.id}/collaborators`)
      .type('form')
      .send({ _csrf: await csrfFor(ownerAgent), collaborator: String(newcomer.id) })
      .expect(303);
    expect(res.headers.location).toBe(`/projects/${project.id}/collaborators`);
    expect(await rightsOf(project.id)).toEqual([collaborator.id, newcomer.id].sort((a, b) => a - b));
    const page = await ownerAgent.get(`/projects/${project.id}/collaborators`).expect(200);
    expect(page.text).toContain(`Nina Newcomer (user ${newcomer.id}) is now a collaborator.`);

    const [change] = await t.db.projects.changes(project.id, 1);
    expect(change).toMatchObject({ kind: 'edit', userId: owner.id, changes: { additional_rights: [[collaborator.id], [collaborator.id, newcomer.id].sort((a, b) => a - b)] } });

    const mail = await waitForMail(t.mail, newcomer.email!, (m) => m.subject.includes('You can now edit'));
    expect(mail.subject).toBe(`You can now edit ${project.name!}`);
    expect(mail.text).toContain('Olivia Owner made you a collaborator');
    expect(mail.text).toContain(`/projects/${project.id}/collaborators`);
    expect(mail.header('List-Unsubscribe')).toBeDefined();
  });

  it('lets a collaborator add a user by email address (case-insensitive), and accepts "#id"', async () => {
    const { collaborator, project, collaboratorAgent } = await setup();
    const byEmail = await createUser(t.ctx);
    const byHashId = await createUser(t.ctx);
    const token = await csrfFor(collaboratorAgent);
    await collaboratorAgent
      .post(`/projects/${project.id}/collaborators`)
      .type('form')
      .send({ _csrf: token, collaborator: `  ${byEmail.email!.toUpperCase()} ` })
      .expect(303);
    await collaboratorAgent.post(`/projects/${project.id}/collaborators`).type('form').send({ _csrf: token, collaborator: `#${byHashId.id}` }).expect(303);
    expect(await rightsOf(project.id)).toEqual([collaborator.id, byEmail.id, byHashId.id].sort((a, b) => a - b));
    const [change] = await t.db.projects.changes(project.id, 1);
    expect(change!.userId).toBe(collaborator.id);
  });

  it('lets an admin add a collaborator to any project', async () => {
    const { project } = await setup();
    const admin = await loginAs(t.app, await createUser(t.ctx, { role: 'admin' }));
    const newcomer = await createUser(t.ctx);
    await admin.post(`/projects/${project.id}/collaborators`).type('form').send({ _csrf: await csrfFor(admin), collaborator: String(newcomer.id) }).expect(303);
    expect(await rightsOf(project.id)).toContain(newcomer.id);
  });

  it('refuses anonymous and unrelated users without changing anything', async () => {
    const { collaborator, project } = await setup();
    const newcomer = await createUser(t.ctx);
    const anon = await anonymous();
    await anon.agent.post(`/projects/${project.id}/collaborators`).type('form').send({ _csrf: anon.token, collaborator: String(newcomer.id) }).expect(401);
    const stranger = await loginAs(t.app, await createUser(t.ctx));
    const res = await stranger
      .post(`/projects/${project.id}/collaborators`)
      .type('form')
      .send({ _csrf: await csrfFor(stranger), collaborator: String(newcomer.id) })
      .expect(403);
    expect(res.text).toContain('Only the owner, collaborators and administrators may add collaborators to this project.');
    expect(await rightsOf(project.id)).toEqual([collaborator.id]);
    expect(await t.db.projects.changes(project.id, 10)).toEqual([]);
  });

  it('refuses a request without a CSRF token', async () => {
    const { collaborator, project, ownerAgent } = await setup();
    const newcomer = await createUser(t.ctx);
    await ownerAgent.post(`/projects/${project.id}/collaborators`).type('form').send({ collaborator: String(newcomer.id) }).expect(403);
    expect(await rightsOf(project.id)).toEqual([collaborator.id]);
  });

  it.each([
    ['the owner', (c: Ctx) => String(c.owner.id), (c: Ctx) => `User ${c.owner.id} owns this project and already has every right.`],
    ['an existing collaborator', (c: Ctx) => String(c.collaborator.id), (c: Ctx) => `User ${c.collaborator.id} is already a collaborator.`],
    ['an unknown id', () => '2000000000', () => 'There is no user with id 2000000000.'],
    ['an id beyond the integer range', () => '99999999999', () => 'There is no user with id 99999999999.'],
    [
      'a blocked user',
      async () => {
        const user = await createUser(t.ctx);
        await block(user);
        return String(user.id);
      },
      () => 'is blocked and cannot be given rights.',
    ],
    ['an empty value', () => '   ', () => 'Enter a user id or an email address.'],
    ['something that is neither id nor email', () => 'bob', () => 'Enter a user id (a number such as 12) or an email address.'],
    ['an over-long value', () => `${'a'.repeat(250)}@example.org`, () => 'This is too long (at most 254 characters).'],
  ] as [string, (c: Ctx) => string | Promise<string>, (c: Ctx) => string][])('refuses %s with a 422 and a clear message', async (_label, value, message) => {
    const c = await setup();
    const input = await value(c);
    const res = await c.ownerAgent
      .post(`/projects/${c.project.id}/collaborators`)
      .type('form')
      .send({ _csrf: await csrfFor(c.ownerAgent), collaborator: input })
      .expect(422);
    expect(res.text).toContain(message(c));
    expect(res.text).toContain('Nothing was changed because of 1 problem');
    expect(res.text).toContain('aria-invalid="true"');
    expect(await rightsOf(c.project.id)).toEqual([c.collaborator.id]);
    expect(await t.db.projects.changes(c.project.id, 10)).toEqual([]);
  });

  it('refuses unknown form fields', async () => {
    const { collaborator, project, ownerAgent } = await setup();
    const newcomer = await createUser(t.ctx);
    const res = await ownerAgent
      .post(`/projects/${project.id}/collaborators`)
      .type('form')
      .send({ _csrf: await csrfFor(ownerAgent), collaborator: String(newcomer.id), role: 'admin' })
      .expect(422);
    expect(res.text).toContain('&quot;role&quot; is not a field of this form.');
    expect(await rightsOf(project.id)).toEqual([collaborator.id]);
  });

  it('gives a non-admin the same neutral answer for every email address it cannot add', async () => {
    const { owner, collaborator, project, collaboratorAgent } = await setup();
    const blocked = await createUser(t.ctx);
    await block(blocked);
    const token = await csrfFor(collaboratorAgent);
    const answers: string[] = [];
    for (const email of ['nobody-here@example.org', owner.email!, collaborator.email!, blocked.email!]) {
      const res = await collaboratorAgent.post(`/projects/${project.id}/collaborators`).type('form').send({ _csrf: token, collaborator: email }).expect(422);
      const summary = /<div class="form-errors"[\s\S]*?<\/div>/.exec(res.text);
      answers.push(summary![0]);
    }
    expect(new Set(answers).size).toBe(1);
    expect(answers[0]).toContain('Nobody was added. Check the email address');
    expect(await rightsOf(project.id)).toEqual([collaborator.id]);
  });

  it('tells an admin exactly why an email address cannot be added', async () => {
    const { owner, project } = await setup();
    const admin = await loginAs(t.app, await createUser(t.ctx, { role: 'admin' }));
    const token = await csrfFor(admin);
    const unknown = await admin.post(`/projects/${project.id}/collaborators`).type('form').send({ _csrf: token, collaborator: 'nobody-here@example.org' }).expect(422);
    expect(unknown.text).toContain('No local account uses this email address.');
    const ownerMail = await admin.post(`/projects/${project.id}/collaborators`).type('form').send({ _csrf: token, collaborator: owner.email! }).expect(422);
    expect(ownerMail.text).toContain(`User ${owner.id} owns this project`);
  });

  it('answers a JSON request with a 422 JSON error and details', async () => {
    const { project, ownerAgent } = await setup();
    const res = await ownerAgent
      .post(`/projects/${project.id}/collaborators`)
      .set('x-csrf-token', await csrfFor(ownerAgent))
      .send({ collaborator: '2000000001' })
      .expect(422)
      .expect('content-type', /json/);
    expect(res.body).toEqual({
      error: 'Nothing was changed because of 1 problem:',
      details: { collaborator: ['There is no user with id 2000000001.'] },
    });
  });
});

describe('POST /projects/:id/collaborators/:userId/delete (remove)', () => {
  it('lets the owner remove a collaborator and records the change', async () => {
    const { owner, collaborator, project, ownerAgent } = await setup();
    await ownerAgent
      .post(`/projects/${project.id}/collaborators/${collaborator.id}/delete`)
      .type('form')
      .send({ _csrf: await csrfFor(ownerAgent) })
      .expect(303)
      .expect('location', `/projects/${project.id}/collaborators`);
    expect(await rightsOf(project.id)).toEqual([]);
    const [change] = await t.db.projects.changes(project.id, 1);
    expect(change).toMatchObject({ kind: 'edit', userId: owner.id, changes: { additional_rights: [[collaborator.id], []] } });
    const page = await ownerAgent.get(`/projects/${project.id}/collaborators`);
    expect(page.text).toContain(`Carl Collaborator (user ${collaborator.id}) is no longer a collaborator.`);
    expect(page.text).toContain('There are no collaborators yet.');
  });

  it('lets a collaborator remove themself, then sends them to the project page', async () => {
    const { collaborator, project, collaboratorAgent } = await setup();
    await collaboratorAgent
      .post(`/projects/${project.id}/collaborators/${collaborator.id}/delete`)
      .type('form')
      .send({ _csrf: await csrfFor(collaboratorAgent) })
      .expect(303)
      .expect('location', `/projects/${project.id}`);
    expect(await rightsOf(project.id)).toEqual([]);
    await collaboratorAgent.get(`/projects/${project.id}/collaborators`).expect(403);
  });

  it('forbids a collaborator to remove anyone else, with an explicit message', async () => {
    const { collaborator, project, collaboratorAgent } = await setup();
    const other = await createUser(t.ctx);
    await grant(project.id, other);
    const res = await collaboratorAgent
      .post(`/projects/${project.id}/collaborators/${other.id}/delete`)
      .type('form')
      .send({ _csrf: await csrfFor(collaboratorAgent) })
      .expect(403);
    expect(res.text).toContain('Only the owner and administrators may remove collaborators; a collaborator may remove only themself.');
    expect(await rightsOf(project.id)).toEqual([collaborator.id, other.id].sort((a, b) => a - b));
    expect(await t.db.projects.changes(project.id, 10)).toEqual([]);
  });

  it('forbids anonymous and unrelated users', async () => {
    const { collaborator, project } = await setup();
    const anon = await anonymous();
    await anon.agent.post(`/projects/${project.id}/collaborators/${collaborator.id}/delete`).type('form').send({ _csrf: anon.token }).expect(401);
    const stranger = await loginAs(t.app, await createUser(t.ctx));
    await stranger
      .post(`/projects/${project.id}/collaborators/${collaborator.id}/delete`)
      .type('form')
      .send({ _csrf: await csrfFor(stranger) })
      .expect(403);
    expect(await rightsOf(project.id)).toEqual([collaborator.id]);
  });

  it('lets an admin remove a collaborator', async () => {
    const { collaborator, project } = await setup();
    const adminUser = await createUser(t.ctx, { role: 'admin' });
    const admin = await loginAs(t.app, adminUser);
    await admin
      .post(`/projects/${project.id}/collaborators/${collaborator.id}/delete`)
      .type('form')
      .send({ _csrf: await csrfFor(admin) })
      .expect(303);
    expect(await rightsOf(project.id)).toEqual([]);
    expect((await t.db.projects.changes(project.id, 1))[0]!.userId).toBe(adminUser.id);
  });

  it('answers 422 when the user is not a collaborator, and 404 for a malformed id', async () => {
    const { collaborator, project, ownerAgent } = await setup();
    const outsider = await createUser(t.ctx);
    const token = await csrfFor(ownerAgent);
    const res = await ownerAgent.post(`/projects/${project.id}/collaborators/${outsider.id}/delete`).type('form').send({ _csrf: token }).expect(422);
    expect(res.text).toContain(`User ${outsider.id} is not a collaborator of this project.`);
    await ownerAgent.post(`/projects/${project.id}/collaborators/0012/delete`).type('form').send({ _csrf: token }).expect(404);
    expect(await rightsOf(project.id)).toEqual([collaborator.id]);
    expect(await t.db.projects.changes(project.id, 10)).toEqual([]);
  });

  it('shows the new rights in the project JSON', async () => {
    const { collaborator, project, ownerAgent } = await setup();
    const newcomer = await createUser(t.ctx);
    await ownerAgent.post(`/projects/${project.id}/collaborators`).type('form').send({ _csrf: await csrfFor(ownerAgent), collaborator: String(newcomer.id) }).expect(303);
    const json = await request(t.app).get(`/projects/${project.id}.json`).expect(200);
    expect((json.body as { additional_rights: number[] }).additional_rights).toEqual([collaborator.id, newcomer.id].sort((a, b) => a - b));
  });
});

type Ctx = Awaited<ReturnType<typeof setup>>;
