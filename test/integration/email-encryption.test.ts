import { randomBytes } from 'node:crypto';
import bcrypt from 'bcrypt';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmailCipher, keyIdOf, type EmailKeys } from '../../src/db/email-crypto.ts';
import { encryptStoredEmails } from '../../src/db/email-encryption-step.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { DEFAULT_PASSWORD, csrfFor, csrfFrom, loginAs } from '../support/factories.ts';
import { linkIn, waitForMail } from '../support/smtp.ts';

let t: TestApp;
let url: string;

beforeAll(async () => {
  t = await buildTestApp();
  url = t.ctx.config.databaseUrl!;
});

afterAll(async () => {
  await t.close();
});

/**
 * How often the address (or its local part) occurs anywhere in the table, as a dump would show
 * it: every column of every row, text and JSON alike, compared case-insensitively.
 */
async function occurrences(table: 'users' | 'user_tokens', address: string): Promise<number> {
  const parts = [address.toLowerCase(), address.toLowerCase().split('@')[0]!];
  let found = 0;
  for (const part of parts) {
    const rows = await t.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} r WHERE position($1 in lower(r::text)) > 0`, [part]);
    found += rows.rows[0]!.n;
  }
  return found;
}

async function expectNowhere(...addresses: string[]): Promise<void> {
  for (const address of addresses) {
    expect(await occurrences('users', address), `users: ${address}`).toBe(0);
    expect(await occurrences('user_tokens', address), `user_tokens: ${address}`).toBe(0);
  }
}

describe('email addresses at rest', () => {
  it('stores no plaintext address through sign-up, activation, login and an email change', async () => {
    const first = 'Hidden.Person@Example.org';
    const second = 'Moved.Person@example.net';
    const visitor = request.agent(t.app);
    const form = await visitor.get('/signup').expect(200);
    await visitor
      .post('/users')
      .type('form')
      .send({ _csrf: csrfFrom(form.text), name: 'Hidden', email: first, password: DEFAULT_PASSWORD, password_confirmation: DEFAULT_PASSWORD })
      .expect(303);
    await expectNowhere(first);

    const activation = new URL(linkIn(await waitForMail(t.mail, first.toLowerCase()), '/account_activations/')).pathname;
    const page = await visitor.get(activation).expect(200);
    await visitor.post(activation).type('form').send({ _csrf: csrfFrom(page.text) }).expect(303);

    // Login looks the address up by its blind index, whatever the case typed.
    const user = (await t.db.users.findLocalByEmail(first.toUpperCase()))!;
    expect(user.email).toBe(first.toLowerCase());
    const agent = await loginAs(t.app, { ...user, email: ' HIDDEN.person@example.ORG' });
    await expectNowhere(first);

    await agent
      .post('/account/email')
      .type('form')
      .send({ _csrf: await csrfFor(agent, '/account'), email: second, current_password: DEFAULT_PASSWORD })
      .expect(303);
    // The pending address waits in user_tokens, encrypted as well.
    const pending = await t.db.pool.query<{ new_email: string }>("SELECT new_email FROM user_tokens WHERE user_id = $1 AND purpose = 'email_change'", [user.id]);
    expect(pending.rows).toHaveLength(1);
    expect(keyIdOf(pending.rows[0]!.new_email)).toBe('dev');
    await expectNowhere(first, second);

    const change = new URL(linkIn(await waitForMail(t.mail, second.toLowerCase()), '/email_changes/')).pathname;
    const confirm = await agent.get(change).expect(200);
    await agent.post(change).type('form').send({ _csrf: csrfFrom(confirm.text) }).expect(303);
    expect((await t.db.users.findById(user.id))!.email).toBe(second.toLowerCase());
    expect(await t.db.users.findLocalByEmail(first)).toBeNull();
    await expectNowhere(first, second);

    const stored = await t.db.pool.query<{ email: string; email_bidx: string }>('SELECT email, email_bidx FROM users WHERE id = $1', [user.id]);
    expect(stored.rows[0]!.email).toMatch(/^v1:dev:[A-Za-z0-9_-]+$/);
    expect(stored.rows[0]!.email_bidx).toBe(createEmailCipher(t.ctx.config.emailKeys).blindIndex(second));
  });

  it('encrypts legacy plaintext rows and re-encrypts rows under an older key, once, in batches, with several runners at once', async () => {
    const current = t.ctx.config.emailKeys;
    const old = { id: 'old', key: randomBytes(32) };
    const withOld: EmailKeys = { encryption: [...current.encryption, old], blindIndex: current.blindIndex };
    const oldCipher = createEmailCipher({ encryption: [old], blindIndex: current.blindIndex });
    const digest = await bcrypt.hash(DEFAULT_PASSWORD, 4);
    const stamp = new Date('2020-01-02T03:04:05Z');

    const legacy = ['legacy1@example.org', 'legacy2@example.org', 'legacy3@example.org', 'legacy4@example.org'];
    const ids: number[] = [];
    for (const address of legacy) {
      const row = await t.db.pool.query<{ id: number }>(
        "INSERT INTO users (provider, name, email, password_digest, activated, updated_at) VALUES ('local', 'Legacy', $1, $2, true, $3) RETURNING id",
        [address, digest, stamp],
      );
      ids.push(row.rows[0]!.id);
    }
    const rotated = 'rotated@example.org';
    const rotatedRow = await t.db.pool.query<{ id: number }>(
      "INSERT INTO users (provider, name, email, email_bidx, password_digest, activated, updated_at) VALUES ('local', 'Older key', $1, $2, $3, true, $4) RETURNING id",
      [oldCipher.encrypt(rotated, 'users.email'), oldCipher.blindIndex(rotated), digest, stamp],
    );
    const pendingAddress = 'pending.legacy@example.org';
    await t.db.pool.query(
      "INSERT INTO user_tokens (user_id, purpose, digest, new_email, expires_at) VALUES ($1, 'email_change', $2, $3, now() + interval '1 day')",
      [ids[0], randomBytes(32).toString('hex'), pendingAddress],
    );
    expect(await occurrences('users', legacy[0]!)).toBeGreaterThan(0);
    expect(await occurrences('user_tokens', pendingAddress)).toBeGreaterThan(0);

    // Two instances starting together: one converts, the other waits and finds nothing left.
    const runs = await Promise.all([encryptStoredEmails(url, withOld, { batchSize: 2 }), encryptStoredEmails(url, withOld, { batchSize: 2 })]);
    expect(runs.reduce((sum, r) => sum + r.users, 0)).toBe(legacy.length + 1);
    expect(runs.reduce((sum, r) => sum + r.tokens, 0)).toBe(1);
    expect(await encryptStoredEmails(url, withOld)).toEqual({ users: 0, tokens: 0 });

    await expectNowhere(...legacy, rotated, pendingAddress);
    const rows = await t.db.pool.query<{ email: string; updated_at: Date }>('SELECT email, updated_at FROM users WHERE id = ANY($1)', [[...ids, rotatedRow.rows[0]!.id]]);
    for (const row of rows.rows) {
      expect(keyIdOf(row.email)).toBe(current.encryption[0]!.id);
      expect(row.updated_at).toEqual(stamp);
    }

    // The application, which no longer knows the old key, finds and logs in every converted account.
    const found = (await t.db.users.findLocalByEmail('LEGACY2@example.org'))!;
    expect(found.id).toBe(ids[1]);
    expect(found.email).toBe('legacy2@example.org');
    await loginAs(t.app, (await t.db.users.findLocalByEmail(rotated))!);
    await loginAs(t.app, found);
    const tokenRow = await t.db.pool.query<{ digest: string }>('SELECT digest FROM user_tokens WHERE user_id = $1', [ids[0]]);
    const token = await t.db.tokens.findUsable(tokenRow.rows[0]!.digest, 'email_change', new Date());
    expect(token?.newEmail).toBe(pendingAddress);
    const transfers = await t.db.transfers.findUsersByEmail('Legacy3@Example.org');
    expect(transfers.map((u) => u.id)).toEqual([ids[2]]);
    const admin = await t.db.admin.listUsers(' legacy4@EXAMPLE.org ', { page: 1, perPage: 10 });
    expect(admin.rows.map((r) => [r.id, r.email])).toEqual([[ids[3], 'legacy4@example.org']]);
  });

  it('refuses to start over a row whose key was removed, naming the row and the key id', async () => {
    const gone = { id: 'gone', key: randomBytes(32) };
    const goneCipher = createEmailCipher({ encryption: [gone], blindIndex: t.ctx.config.emailKeys.blindIndex });
    const row = await t.db.pool.query<{ id: number }>(
      "INSERT INTO users (provider, name, email, email_bidx, updated_at) VALUES ('github', 'Orphan', $1, $2, now()) RETURNING id",
      [goneCipher.encrypt('orphan@example.org', 'users.email'), goneCipher.blindIndex('orphan@example.org')],
    );
    try {
      await expect(encryptStoredEmails(url, t.ctx.config.emailKeys)).rejects.toThrow(new RegExp(`users row ${String(row.rows[0]!.id)}: .*key id "gone"`));
    } finally {
      await t.db.pool.query('DELETE FROM users WHERE id = $1', [row.rows[0]!.id]);
    }
  });

  it('recomputes every blind index for a new EMAIL_BLIND_INDEX_KEY with --reindex', async () => {
    const user = await t.db.users.createLocal({ name: 'Reindexed', email: 'reindex@example.org', passwordDigest: 'x', activated: true });
    const keys: EmailKeys = { encryption: t.ctx.config.emailKeys.encryption, blindIndex: randomBytes(32) };
    const result = await encryptStoredEmails(url, keys, { reindex: true });
    expect(result.users).toBeGreaterThanOrEqual(1);
    const row = await t.db.pool.query<{ email_bidx: string }>('SELECT email_bidx FROM users WHERE id = $1', [user.id]);
    expect(row.rows[0]!.email_bidx).toBe(createEmailCipher(keys).blindIndex('reindex@example.org'));
    // Back to the application's key, so the other tests in this file still find their accounts.
    await encryptStoredEmails(url, t.ctx.config.emailKeys, { reindex: true });
    expect((await t.db.users.findLocalByEmail('reindex@example.org'))?.id).toBe(user.id);
  });
});
