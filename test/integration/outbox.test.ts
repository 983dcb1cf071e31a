import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { jobHandlers } from '../../src/jobs/index.ts';
import type { Logger } from '../../src/logger.ts';
import { requestPasswordReset } from '../../src/services/accounts.ts';
import type { ServiceContext } from '../../src/services/context.ts';
import { queueAccountMail } from '../../src/services/mail/index.ts';
import { drainOutbox, queuePurge } from '../../src/services/outbox.ts';
import { inTransaction } from '../../src/services/transaction.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { createProject, createUser, csrfFor, loginAs } from '../support/factories.ts';

let t: TestApp;
let sql: pg.Client;
const logged: { level: string; msg: string }[] = [];

const recordingLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (msg) => logged.push({ level: 'warn', msg }),
  error: (msg) => logged.push({ level: 'error', msg }),
};

beforeAll(async () => {
  t = await buildTestApp({ MAIL_LIMIT_RECIPIENT_HOUR: '4', MAIL_LIMIT_RESET_HOUR: '3', MAIL_LIMIT_SENDER_HOUR: '5', MAIL_LIMIT_GLOBAL_HOUR: '1000' });
  await t.outbox.stop();
  sql = new pg.Client({ connectionString: t.ctx.config.databaseUrl });
  await sql.connect();
});

afterAll(async () => {
  await sql.end();
  await t.close();
});

beforeEach(async () => {
  logged.length = 0;
  // Each test counts its own mail: earlier rows would count against the hourly limits.
  await sql.query('DELETE FROM outbox');
});

function ctxWith(overrides: Partial<ServiceContext> = {}): ServiceContext {
  return { ...t.ctx, logger: recordingLogger, ...overrides };
}

async function statuses(): Promise<Record<string, number>> {
  const { rows } = await sql.query<{ status: string; n: string }>('SELECT status, count(*) AS n FROM outbox GROUP BY status');
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/** SMTP acknowledges each message before drainOutbox returns, so the catcher has them all. */
async function settle() {
  await drainOutbox(ctxWith());
}

describe('outbox', () => {
  it('sends nothing for a change that rolls back', async () => {
    const user = await createUser(t.ctx);
    const before = t.mail.length;
    await expect(
      inTransaction(t.ctx, async (tx) => {
        await queueAccountMail(tx, user, 'email_changed_notice', {});
        throw new Error('the change failed after queuing its mail');
      }),
    ).rejects.toThrow('the change failed');
    await settle();
    expect(await statuses()).toEqual({});
    expect(t.mail.length).toBe(before);
  });

  it('delivers a committed message even when the instance that claimed it died mid-delivery', async () => {
    const user = await createUser(t.ctx);
    await inTransaction(t.ctx, (tx) => queueAccountMail(tx, user, 'email_changed_notice', {}));
    // A drainer claimed it and crashed: the row stays 'sending' with an old claim.
    await sql.query(`UPDATE outbox SET status = 'sending', claimed_at = now() - interval '11 minutes'`);
    await settle();
    expect(await statuses()).toEqual({ sent: 1 });
    expect(t.mail.filter((m) => m.to.includes(user.email!))).toHaveLength(1);
    // The delivered body (it may hold a login link) is not kept.
    const { rows } = await sql.query<{ payload: unknown; recipient: string }>('SELECT payload, recipient FROM outbox');
    expect(rows[0]!.payload).toEqual({});
    // The limits count by a keyed hash of the address: the table never names the recipient.
    expect(rows[0]!.recipient).not.toContain('@');
  });

  it('queues nothing for the CDN when no purge endpoint is configured', async () => {
    await inTransaction(t.ctx, (tx) => queuePurge(tx, tx.db, ['projects/1']));
    expect(await statuses()).toEqual({});
  });

  it('two drainers running at once deliver each message exactly once', async () => {
    const users = await Promise.all([1, 2, 3, 4, 5, 6].map(() => createUser(t.ctx)));
    for (const u of users) await inTransaction(t.ctx, (tx) => queueAccountMail(tx, u, 'email_changed_notice', {}));
    const before = t.mail.length;
    await Promise.all([drainOutbox(ctxWith()), drainOutbox(ctxWith())]);
    expect(await statuses()).toEqual({ sent: 6 });
    expect(t.mail.length - before).toBe(6);
  });
});

describe('outbox pruning', () => {
  it('drops finished rows after a week in the daily maintenance job and keeps pending ones', async () => {
    await sql.query(`INSERT INTO outbox (kind, payload, status, done_at) VALUES ('mail', '{}', 'sent', now() - interval '8 days'), ('mail', '{}', 'suppressed', now() - interval '8 days'), ('mail', '{}', 'sent', now() - interval '1 day')`);
    await sql.query(`INSERT INTO outbox (kind, payload, status, created_at) VALUES ('purge', '{"keys":["projects/1"]}', 'pending', now() - interval '9 days')`);
    await jobHandlers(ctxWith()).maintenance();
    expect(await statuses()).toEqual({ sent: 1, pending: 1 });
  });
});

describe('outgoing mail limits', () => {
  it('sends at most three password reset mails per address and hour', async () => {
    const user = await createUser(t.ctx);
    for (let i = 0; i < 5; i++) await requestPasswordReset(t.ctx, user.email);
    await settle();
    expect(await statuses()).toEqual({ sent: 3, suppressed: 2 });
    expect(logged.filter((l) => l.level === 'warn' && l.msg === 'mail suppressed by a limit')).toHaveLength(2);
  });

  it('caps notices per recipient: an owner adding and removing a collaborator in a loop cannot flood them', async () => {
    const owner = await createUser(t.ctx);
    const victim = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner);
    const agent = await loginAs(t.app, owner);
    for (let i = 0; i < 7; i++) {
      await agent.post(`/projects/${project.id}/collaborators`).type('form').send({ _csrf: await csrfFor(agent), collaborator: String(victim.id) }).expect(303);
      await agent.post(`/projects/${project.id}/collaborators/${victim.id}/delete`).type('form').send({ _csrf: await csrfFor(agent) }).expect(303);
    }
    const before = t.mail.length;
    await settle();
    const toVictim = t.mail.slice(before).filter((m) => m.to.includes(victim.email!.toLowerCase()));
    expect(toVictim).toHaveLength(4);
    expect((await statuses()).suppressed).toBe(3);
  });

  it('caps mail caused by one user across many recipients', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner);
    const agent = await loginAs(t.app, owner);
    for (let i = 0; i < 7; i++) {
      const other = await createUser(t.ctx);
      await agent.post(`/projects/${project.id}/collaborators`).type('form').send({ _csrf: await csrfFor(agent), collaborator: String(other.id) }).expect(303);
    }
    await settle();
    expect(await statuses()).toEqual({ sent: 5, suppressed: 2 });
  });

  it('holds mail back at the global hourly cap, logs an error, and sends it once the hour allows', async () => {
    const users = await Promise.all([1, 2, 3].map(() => createUser(t.ctx)));
    for (const u of users) await inTransaction(t.ctx, (tx) => queueAccountMail(tx, u, 'email_changed_notice', {}));
    const capped = ctxWith({ config: { ...t.ctx.config, mailLimits: { ...t.ctx.config.mailLimits, global: 2 } } });
    await drainOutbox(capped);
    expect(await statuses()).toEqual({ sent: 2, pending: 1 });
    expect(logged.filter((l) => l.level === 'error' && l.msg.startsWith('hourly mail limit reached'))).toHaveLength(1);
    // An hour later the window is free again.
    await drainOutbox({ ...capped, now: () => new Date(Date.now() + 61 * 60 * 1000) });
    expect(await statuses()).toEqual({ sent: 3 });
  });
});
