import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/logger.ts';
import { drainOutbox } from '../../src/services/outbox.ts';
import type { ServiceContext } from '../../src/services/context.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { startFakeCdn } from '../support/fake-cdn.ts';
import { createProject, createUser, csrfFor, loginAs } from '../support/factories.ts';

let t: TestApp;
let cdn: Awaited<ReturnType<typeof startFakeCdn>>;
const errors: { msg: string; fields?: Record<string, unknown> }[] = [];

const recordingLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (msg, fields) => {
    errors.push({ msg, fields });
  },
};

beforeAll(async () => {
  cdn = await startFakeCdn();
  t = await buildTestApp({ CDN_PURGE_URL: cdn.url, CDN_API_TOKEN: 'cdn-secret-token', CDN_PURGE_DELAY_SECONDS: '30', OUTBOX_MAX_ATTEMPTS: '3' });
  // Deliveries happen when the test drains, so each assertion sees a settled state.
  await t.outbox.stop();
});

afterAll(async () => {
  await t.close();
  await cdn.close();
});

beforeEach(() => {
  cdn.purges.length = 0;
  errors.length = 0;
});

/** Drains as the worker would, `secondsLater` after the real clock. */
function drain(secondsLater = 0) {
  const ctx: ServiceContext = { ...t.ctx, logger: recordingLogger, now: () => new Date(Date.now() + secondsLater * 1000) };
  return drainOutbox(ctx);
}

/** Both purges (at once and after the replication delay) reached the CDN for these keys. */
async function expectPurgedTwice(keys: string[]) {
  await drain();
  expect(cdn.keys().sort()).toEqual([...keys].sort());
  await drain(31);
  expect(cdn.keys().sort()).toEqual([...keys, ...keys].sort());
  expect(cdn.purges.every((p) => p.token === 'cdn-secret-token' && p.path === '/service/test-service/purge')).toBe(true);
}

describe('CDN purge after changes to public output', () => {
  it('purges the project after an answer save, now and again after the delay', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner);
    const agent = await loginAs(t.app, owner);
    await agent
      .post(`/projects/${project.id}/passing/edit`)
      .type('form')
      .send({ _csrf: await csrfFor(agent), lock_version: String(project.lockVersion), interact_status: 'Met', interact_justification: 'Issues and a mailing list.' })
      .expect(303);
    await expectPurgedTwice([`projects/${project.id}`]);
  });

  it('purges on deletion by the owner and on restore by an admin', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner);
    const agent = await loginAs(t.app, owner);
    await agent
      .post(`/projects/${project.id}/delete`)
      .type('form')
      .send({ _csrf: await csrfFor(agent), deletion_rationale: 'This entry was a duplicate of another project.' })
      .expect(303);
    await expectPurgedTwice([`projects/${project.id}`]);
    cdn.purges.length = 0;
    const admin = await loginAs(t.app, await createUser(t.ctx, { role: 'admin' }));
    await admin.post(`/admin/projects/${project.id}/restore`).type('form').send({ _csrf: await csrfFor(admin) }).expect(303);
    await expectPurgedTwice([`projects/${project.id}`]);
  });

  it('purges on an admin override and on a direct transfer', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner);
    const admin = await loginAs(t.app, await createUser(t.ctx, { role: 'admin' }));
    await admin
      .post(`/projects/${project.id}/passing/edit`)
      .type('form')
      .send({ _csrf: await csrfFor(admin), lock_version: String(project.lockVersion), name: 'Overridden by an admin' })
      .expect(303);
    expect((await t.db.projects.changes(project.id, 5))[0]!.kind).toBe('admin_override');
    await expectPurgedTwice([`projects/${project.id}`]);
    cdn.purges.length = 0;
    const recipient = await createUser(t.ctx);
    await admin
      .post(`/projects/${project.id}/transfer`)
      .type('form')
      .send({ _csrf: await csrfFor(admin), recipient: String(recipient.id), mode: 'direct' })
      .expect(303);
    await expectPurgedTwice([`projects/${project.id}`]);
  });

  it('purges every project of a user an admin deletes, and of an owner who renames themselves', async () => {
    const spammer = await createUser(t.ctx);
    const a = await createProject(t.ctx, spammer);
    const b = await createProject(t.ctx, spammer);
    const admin = await loginAs(t.app, await createUser(t.ctx, { role: 'admin' }));
    await admin
      .post(`/admin/users/${spammer.id}/delete`)
      .type('form')
      .send({ _csrf: await csrfFor(admin), delete_projects: '1' })
      .expect(303);
    await expectPurgedTwice([`projects/${a.id}`, `projects/${b.id}`]);

    cdn.purges.length = 0;
    const owner = await createUser(t.ctx);
    const c = await createProject(t.ctx, owner);
    const agent = await loginAs(t.app, owner);
    await agent.post('/account').type('form').send({ _csrf: await csrfFor(agent, '/account'), name: 'A New Display Name', preferred_locale: 'en' }).expect(303);
    await expectPurgedTwice([`projects/${c.id}`]);
  });

  it('keeps the save when the CDN fails, retries with back-off and logs each failure as an error', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner);
    const agent = await loginAs(t.app, owner);
    cdn.failNext(1);
    await agent
      .post(`/projects/${project.id}/passing/edit`)
      .type('form')
      .send({ _csrf: await csrfFor(agent), lock_version: String(project.lockVersion), description_good_status: 'Met', description_good_justification: 'The README says what it does.' })
      .expect(303);
    expect((await t.db.projects.findById(project.id))!.lockVersion).toBe(project.lockVersion + 1);
    const first = await drain();
    expect(first.retried).toBe(1);
    expect(cdn.keys()).toEqual([]);
    expect(errors.map((e) => e.msg)).toContain('cdn purge failed, will retry');
    // Not due again yet: back-off starts at 30 seconds.
    await drain(5);
    expect(cdn.keys()).toEqual([]);
    await drain(35);
    expect(cdn.keys()).toEqual([`projects/${project.id}`, `projects/${project.id}`]);
  });

  it('gives up after the last attempt, marks the purge failed and says so at error level', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner);
    const agent = await loginAs(t.app, owner);
    cdn.failNext(100);
    await agent
      .post(`/projects/${project.id}/passing/edit`)
      .type('form')
      .send({ _csrf: await csrfFor(agent), lock_version: String(project.lockVersion), name: 'Renamed while the CDN is down' })
      .expect(303);
    await drain();
    await drain(60);
    const last = await drain(60 + 120 + 1);
    expect(last.failed).toBe(1);
    expect(errors.map((e) => e.msg)).toContain('cdn purge failed');
    cdn.failNext(0);
    // The delayed purge of the same save still goes out once it is due.
    await drain(31 + 300);
    expect(cdn.keys()).toEqual([`projects/${project.id}`]);
  });
});
