import pg from 'pg';
import { createEmailCipher, isPlaintextEmail, keyIdOf, normaliseEmail, type EmailCipher, type EmailField, type EmailKeys } from './email-crypto.ts';

/**
 * The data step that follows the email_encryption migration, run at every start-up after the
 * migrations (and by `npm run db:encrypt-emails`). It encrypts addresses still stored in
 * plaintext, fills their blind index, and re-encrypts under the first key every value written
 * under an older one (key rotation). With `reindex`, it also recomputes every blind index, for a
 * new EMAIL_BLIND_INDEX_KEY.
 *
 * Several instances may start at once: the work runs under its own advisory lock, so one
 * instance converts and the others wait, then find nothing left. Rows are handled in batches of
 * one short transaction each, locked FOR UPDATE so a concurrent write to the same row waits.
 * A re-encryption is not an edit: updated_at stays as it was.
 */

/** Advisory lock key of this step (the application's other keys are in src/db/locks.ts). */
export const emailEncryptionLockKey = 7_426_101;

export interface EmailStepResult {
  /** Rows of users whose address was encrypted, re-encrypted or re-indexed. */
  users: number;
  /** Rows of user_tokens whose pending address was encrypted or re-encrypted. */
  tokens: number;
}

export interface EmailStepOptions {
  batchSize?: number;
  /** Recompute every blind index (after a change of EMAIL_BLIND_INDEX_KEY). */
  reindex?: boolean;
  log?: (message: string, details: Record<string, unknown>) => void;
}

/** A stored value this step cannot read: a key was removed while rows still use it, or a value was altered. */
export class EmailStepError extends Error {
  override name = 'EmailStepError';
}

function plaintextOf(cipher: EmailCipher, stored: string, field: EmailField, where: string): string {
  if (isPlaintextEmail(stored)) return normaliseEmail(stored);
  try {
    return cipher.decrypt(stored, field);
  } catch (err) {
    throw new EmailStepError(`${where}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

export async function encryptStoredEmails(databaseUrl: string, keys: EmailKeys, options: EmailStepOptions = {}): Promise<EmailStepResult> {
  const cipher = createEmailCipher(keys);
  const batchSize = options.batchSize ?? 500;
  // A dedicated client, not a pool: an advisory lock belongs to the connection that took it.
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [emailEncryptionLockKey]);
    try {
      const result = { users: await convertUsers(client, cipher, batchSize, options.reindex ?? false), tokens: await convertTokens(client, cipher, batchSize) };
      if (result.users > 0 || result.tokens > 0) options.log?.('email addresses encrypted under the current key', { ...result, keyId: cipher.currentKeyId });
      return result;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [emailEncryptionLockKey]);
    }
  } finally {
    await client.end();
  }
}

// Each batch is one transaction; the id bound keeps a reindex (which matches every row) moving forward.
async function inBatches(client: pg.Client, step: (afterId: number) => Promise<{ count: number; lastId: number }>): Promise<number> {
  let total = 0;
  let afterId = 0;
  for (;;) {
    await client.query('BEGIN');
    try {
      const { count, lastId } = await step(afterId);
      await client.query('COMMIT');
      if (count === 0) return total;
      total += count;
      afterId = lastId;
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    }
  }
}

async function convertUsers(client: pg.Client, cipher: EmailCipher, batchSize: number, reindex: boolean): Promise<number> {
  return inBatches(client, async (afterId) => {
    const rows = await client.query<{ id: number; email: string }>(
      `SELECT id, email FROM users
        WHERE id > $1 AND email IS NOT NULL
          AND ($2 OR email_bidx IS NULL OR position('@' in email) > 0 OR split_part(email, ':', 2) <> $3)
        ORDER BY id LIMIT $4 FOR UPDATE`,
      [afterId, reindex, cipher.currentKeyId, batchSize],
    );
    for (const row of rows.rows) {
      const address = plaintextOf(cipher, row.email, 'users.email', `users row ${String(row.id)}`);
      // A value already under the current key keeps its ciphertext; only the index changes.
      const stored = keyIdOf(row.email) === cipher.currentKeyId ? row.email : cipher.encrypt(address, 'users.email');
      await client.query('UPDATE users SET email = $2, email_bidx = $3 WHERE id = $1', [row.id, stored, cipher.blindIndex(address)]);
    }
    return { count: rows.rows.length, lastId: rows.rows.at(-1)?.id ?? afterId };
  });
}

async function convertTokens(client: pg.Client, cipher: EmailCipher, batchSize: number): Promise<number> {
  return inBatches(client, async (afterId) => {
    const rows = await client.query<{ id: number; new_email: string }>(
      `SELECT id, new_email FROM user_tokens
        WHERE id > $1 AND new_email IS NOT NULL
          AND (position('@' in new_email) > 0 OR split_part(new_email, ':', 2) <> $2)
        ORDER BY id LIMIT $3 FOR UPDATE`,
      [afterId, cipher.currentKeyId, batchSize],
    );
    for (const row of rows.rows) {
      const address = plaintextOf(cipher, row.new_email, 'user_tokens.new_email', `user_tokens row ${String(row.id)}`);
      await client.query('UPDATE user_tokens SET new_email = $2 WHERE id = $1', [row.id, cipher.encrypt(address, 'user_tokens.new_email')]);
    }
    return { count: rows.rows.length, lastId: rows.rows.at(-1)?.id ?? afterId };
  });
}
