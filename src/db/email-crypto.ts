import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Email addresses at rest: AES-256-GCM with a random 96-bit IV per value and the key id in the
 * stored text, so keys can rotate (the first key encrypts, every listed key decrypts), plus a
 * keyed blind index (HMAC-SHA-256 of the normalised address) that is the only way to find an
 * address. A database dump then shows neither the addresses nor, without the index key, a way to
 * test a guessed address against it.
 *
 * Stored form: "v1:<key id>:<base64url(iv ‖ ciphertext ‖ tag)>". Base64url, key ids and the
 * prefix never contain "@", while every address does: that tells a legacy plaintext value apart.
 */

export interface EmailKey {
  id: string;
  /** 32 bytes (AES-256). */
  key: Buffer;
}

export interface EmailKeys {
  /** The first encrypts; all decrypt. */
  encryption: readonly EmailKey[];
  /** 32 bytes; HMAC-SHA-256 key of the blind index. */
  blindIndex: Buffer;
}

/** Which column a value belongs to; bound into the tag, so a value copied to another column fails to decrypt. */
// automation_runs.github_token: a GitHub OAuth token held only while its automation run waits (src/db/automation-runs.ts).
export type EmailField = 'users.email' | 'user_tokens.new_email' | 'automation_runs.github_token';

export class EmailDecryptionError extends Error {
  override name = 'EmailDecryptionError';
}

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** The form both the index and the stored value use: lower-case without surrounding space, as addresses were always stored. */
export function normaliseEmail(address: string): string {
  return address.trim().toLowerCase();
}

/** True for a value written before encryption (or by a writer that does not encrypt). */
export function isPlaintextEmail(stored: string): boolean {
  return stored.includes('@');
}

/** The key id of a stored ciphertext, or null when the value is not in the encrypted form. */
export function keyIdOf(stored: string): string | null {
  const [version, id, body, ...rest] = stored.split(':');
  if (version !== VERSION || id === undefined || body === undefined || rest.length > 0 || !KEY_ID.test(id)) return null;
  return id;
}

export interface EmailCipher {
  readonly currentKeyId: string;
  encrypt(address: string, field: EmailField): string;
  decrypt(stored: string, field: EmailField): string;
  blindIndex(address: string): string;
}

export function createEmailCipher(keys: EmailKeys): EmailCipher {
  const [current] = keys.encryption;
  if (!current) throw new Error('at least one email encryption key is needed');
  const byId = new Map(keys.encryption.map((k) => [k.id, k.key]));
  const aad = (id: string, field: EmailField) => Buffer.from(`${VERSION}:${id}:${field}`, 'utf8');
  return {
    currentKeyId: current.id,
    encrypt(address, field) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', current.key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(aad(current.id, field));
      const body = Buffer.concat([iv, cipher.update(address, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return `${VERSION}:${current.id}:${body.toString('base64url')}`;
    },
    decrypt(stored, field) {
      const id = keyIdOf(stored);
      if (id === null) throw new EmailDecryptionError(`stored ${field} is not in the encrypted form`);
      const key = byId.get(id);
      if (!key) throw new EmailDecryptionError(`stored ${field} uses key id "${id}", which EMAIL_ENCRYPTION_KEYS does not list`);
      const body = Buffer.from(stored.slice(VERSION.length + id.length + 2), 'base64url');
      if (body.length < IV_BYTES + TAG_BYTES) throw new EmailDecryptionError(`stored ${field} is truncated`);
      const decipher = createDecipheriv('aes-256-gcm', key, body.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
      decipher.setAAD(aad(id, field));
      decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
      try {
        return Buffer.concat([decipher.update(body.subarray(IV_BYTES, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch (err) {
        throw new EmailDecryptionError(`stored ${field} failed authentication (altered, or encrypted under another key with id "${id}")`, { cause: err });
      }
    },
    blindIndex: (address) => createHmac('sha256', keys.blindIndex).update(normaliseEmail(address), 'utf8').digest('base64url'),
  };
}

function decodeKey(text: string): Buffer | null {
  if (!BASE64.test(text)) return null;
  const key = Buffer.from(text, 'base64');
  return key.length === KEY_BYTES ? key : null;
}

/** Parses EMAIL_ENCRYPTION_KEYS ("id:base64key,…"); the answer is the keys or what is wrong. */
export function parseEncryptionKeys(text: string): { keys: EmailKey[] } | { error: string } {
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  if (entries.length === 0) return { error: 'must list at least one id:base64key' };
  const keys: EmailKey[] = [];
  for (const [index, entry] of entries.entries()) {
    const colon = entry.indexOf(':');
    const id = colon < 0 ? '' : entry.slice(0, colon);
    if (!KEY_ID.test(id)) return { error: `entry ${String(index + 1)} must be id:base64key with an id of letters, digits, "_" or "-"` };
    const key = decodeKey(entry.slice(colon + 1));
    if (!key) return { error: `key "${id}" must be 32 bytes in base64 (openssl rand -base64 32)` };
    if (keys.some((k) => k.id === id)) return { error: `key id "${id}" is listed twice` };
    keys.push({ id, key });
  }
  return { keys };
}

/** Parses EMAIL_BLIND_INDEX_KEY (32 bytes, base64). */
export function parseBlindIndexKey(text: string): Buffer | null {
  return decodeKey(text.trim());
}

/** True when the blind-index key equals one of the encryption keys (each purpose needs its own). */
export function sharesKey(keys: EmailKeys): boolean {
  return keys.encryption.some((k) => k.key.length === keys.blindIndex.length && timingSafeEqual(k.key, keys.blindIndex));
}

/**
 * Development and test only: keys derived from the session secret, so a development database
 * stays readable across restarts without any configuration. Production must set its own keys.
 */
export function deriveDevelopmentEmailKeys(secret: string): EmailKeys {
  const derive = (purpose: string) => createHmac('sha256', secret).update(`badgeapp development ${purpose}`).digest();
  return { encryption: [{ id: 'dev', key: derive('email encryption key') }], blindIndex: derive('email blind index key') };
}
