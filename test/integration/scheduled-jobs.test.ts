import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobHandlers, startJobs } from '../../src/jobs/index.ts';
import { purgeUnactivatedUsers, sendReminders } from '../../src/services/notifications.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { createProject, createUser } from '../support/factories.ts';
import { waitForMail } from '../support/smtp.ts';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
});

afterAll(async () => {
  await t.close();
});

const options = { idleDays: 30, repeatDays: 60, limit: 10 };

async function age(projectId: number, days: number) {
  await t.db.pool.query(`UPDATE projects SET updated_at = now() - make_interval(days => $2) WHERE id = $1`, [projectId, days]);
}

describe('reminders', () => {
  it('mails owners of idle in-progress projects once, with an unsubscribe link, even when two runs race', async () => {
    const owner = await createUser(t.ctx);
    const idle = await createProject(t.ctx, owner, { name: 'Idle Project' });
    await createProject(t.ctx, owner, { name: 'Fresh Project' });
    await age(idle.id, 45);
    const [a, b] = await Promise.all([sendReminders(t.ctx, options), sendReminders(t.ctx, options)]);
    expect(a + b).toBe(1);
    const mail = await waitForMail(t.mail, owner.email!, (m) => m.subject.includes('Idle Project'));
    expect(mail.header('List-Unsubscribe')).toMatch(/^<http.*\/unsubscribe\?user=\d+&issued=\d{4}-\d\d-\d\d&token=[0-9a-f]{64}>$/);
    expect(mail.header('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(await sendReminders(t.ctx, options)).toBe(0);
    expect(t.mail.some((m) => m.subject.includes('Fresh Project'))).toBe(false);
    const rows = await t.db.pool.query<{ updated_at: Date }>('SELECT updated_at FROM projects WHERE id = $1', [idle.id]);
    expect(Date.now() - rows.rows[0]!.updated_at.getTime()).toBeGreaterThan(40 * 86_400_000);
  });

  it('respects the opt-out', async () => {
    const owner = await createUser(t.ctx);
    await t.db.users.disableNotifications(owner.id);
    const project = await createProject(t.ctx, owner, { name: 'Opted Out' });
    await age(project.id, 45);
    await sendReminders(t.ctx, options);
    await new Promise((r) => setTimeout(r, 200));
    expect(t.mail.some((m) => m.subject.includes('Opted Out'))).toBe(false);
  });
});

describe('purging unactivated accounts', () => {
  it('removes only old, never-activated accounts without projects', async () => {
    const old = await t.ctx.db.users.createLocal({ name: 'Old', email: 'old-unactivated@example.org', passwordDigest: 'x' });
    const recent = await t.ctx.db.users.createLocal({ name: 'Recent', email: 'recent-unactivated@example.org', passwordDigest: 'x' });
    const active = await createUser(t.ctx);
    await t.db.pool.query(`UPDATE users SET created_at = now() - interval '10 days' WHERE id = ANY($1)`, [[old.id, active.id]]);
    expect(await purgeUnactivatedUsers(t.ctx, 7)).toBe(1);
    expect(await t.db.users.findById(old.id)).toBeNull();
    expect(await t.db.users.findById(recent.id)).not.toBeNull();
    expect(await t.db.users.findById(active.id)).not.toBeNull();
  });
});

describe('job queue', () => {
  it('starts pg-boss on the application database and schedules the daily jobs', async () => {
    const boss = await startJobs(t.ctx, t.ctx.config.databaseUrl!, { maintenance: () => Promise.resolve(), reminders: () => Promise.resolve(), stats: () => Promise.resolve() });
    try {
      const schedules = await boss.getSchedules();
      expect(schedules.map((s) => s.name).sort()).toEqual(['maintenance', 'reminders', 'stats']);
    } finally {
      await boss.stop({ graceful: false, wait: true });
    }
  });
});

describe('maintenance job', () => {
  it('purges stale unactivated accounts and long-deleted projects in one run', async () => {
    const stale = await t.ctx.db.users.createLocal({ name: 'Stale', email: 'stale-maint@example.org', passwordDigest: 'x' });
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner);
    await t.db.pool.query(`UPDATE users SET created_at = now() - interval '30 days' WHERE id = $1`, [stale.id]);
    await t.db.pool.query(`UPDATE projects SET deleted_at = now() - interval '40 days', deletion_rationale = 'old' WHERE id = $1`, [project.id]);
    await jobHandlers(t.ctx).maintenance();
    expect(await t.db.users.findById(stale.id)).toBeNull();
    expect(await t.db.projects.findByIdIncludingDeleted(project.id)).toBeNull();
  });
});
