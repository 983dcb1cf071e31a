import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { createEmailCipher, EmailDecryptionError, isPlaintextEmail, keyIdOf, parseEncryptionKeys, type EmailKeys } from '../../src/db/email-crypto.ts';

const key = () => randomBytes(32);
const keys = (encryption: EmailKeys['encryption'], blindIndex = key()): EmailKeys => ({ encryption, blindIndex });

describe('email cipher', () => {
  const k1 = { id: 'k1', key: key() };
  const k2 = { id: 'k2', key: key() };
  const cipher = createEmailCipher(keys([k1]));

  it('round-trips an address, with a fresh IV each time and no trace of the address', () => {
    const a = cipher.encrypt('alice@example.org', 'users.email');
    const b = cipher.encrypt('alice@example.org', 'users.email');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v1:k1:[A-Za-z0-9_-]+$/);
    expect(a.toLowerCase()).not.toContain('alice');
    expect(isPlaintextEmail(a)).toBe(false);
    expect(keyIdOf(a)).toBe('k1');
    expect(cipher.decrypt(a, 'users.email')).toBe('alice@example.org');
    expect(cipher.decrypt(b, 'users.email')).toBe('alice@example.org');
  });

  it('detects any altered byte, a truncated value, and a value moved to another column', () => {
    const stored = cipher.encrypt('alice@example.org', 'users.email');
    const body = Buffer.from(stored.slice('v1:k1:'.length), 'base64url');
    for (const position of [0, 12, body.length - 1]) {
      const altered = Buffer.from(body);
      altered[position] = (altered[position] ?? 0) ^ 1;
      expect(() => cipher.decrypt(`v1:k1:${altered.toString('base64url')}`, 'users.email')).toThrow(EmailDecryptionError);
    }
    expect(() => cipher.decrypt(`v1:k1:${body.subarray(0, 20).toString('base64url')}`, 'users.email')).toThrow(/truncated/);
    expect(() => cipher.decrypt(stored, 'user_tokens.new_email')).toThrow(/failed authentication/);
    expect(() => cipher.decrypt('alice@example.org', 'users.email')).toThrow(/not in the encrypted form/);
  });

  it('refuses the wrong key, also one reusing the same id', () => {
    const stored = cipher.encrypt('alice@example.org', 'users.email');
    expect(() => createEmailCipher(keys([{ id: 'k1', key: key() }])).decrypt(stored, 'users.email')).toThrow(/failed authentication/);
    expect(() => createEmailCipher(keys([k2])).decrypt(stored, 'users.email')).toThrow(/key id "k1", which EMAIL_ENCRYPTION_KEYS does not list/);
  });

  it('rotates: the first key encrypts, every listed key decrypts', () => {
    const old = cipher.encrypt('alice@example.org', 'users.email');
    const rotated = createEmailCipher(keys([k2, k1]));
    expect(rotated.currentKeyId).toBe('k2');
    expect(rotated.decrypt(old, 'users.email')).toBe('alice@example.org');
    const fresh = rotated.encrypt('alice@example.org', 'users.email');
    expect(keyIdOf(fresh)).toBe('k2');
    expect(() => cipher.decrypt(fresh, 'users.email')).toThrow(EmailDecryptionError);
  });

  it('gives one blind index per address whatever its case and surrounding space, and a different one under another key', () => {
    const index = cipher.blindIndex('Alice@Example.ORG');
    expect(cipher.blindIndex(' alice@example.org ')).toBe(index);
    expect(cipher.blindIndex('alice@example.org')).toBe(index);
    expect(cipher.blindIndex('alice2@example.org')).not.toBe(index);
    expect(createEmailCipher(keys([k1])).blindIndex('alice@example.org')).not.toBe(index);
    expect(index).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe('email key configuration', () => {
  const b64 = () => key().toString('base64');

  it('parses id:base64key lists and names what is wrong', () => {
    const parsed = parseEncryptionKeys(` new:${b64()} , old:${b64()}`);
    expect('keys' in parsed && parsed.keys.map((k) => k.id)).toEqual(['new', 'old']);
    expect(parseEncryptionKeys('')).toEqual({ error: 'must list at least one id:base64key' });
    expect(parseEncryptionKeys(b64())).toMatchObject({ error: expect.stringMatching(/entry 1 must be id:base64key/) as unknown });
    expect(parseEncryptionKeys(`k1:${randomBytes(16).toString('base64')}`)).toMatchObject({ error: expect.stringMatching(/key "k1" must be 32 bytes/) as unknown });
    expect(parseEncryptionKeys(`k1:not base64!`)).toMatchObject({ error: expect.stringMatching(/key "k1" must be 32 bytes/) as unknown });
    const same = b64();
    expect(parseEncryptionKeys(`k1:${same},k1:${b64()}`)).toEqual({ error: 'key id "k1" is listed twice' });
  });

  it('requires both keys in production and refuses malformed ones naming the variable', () => {
    const production = { NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40), DATABASE_URL: 'postgres://db/app' };
    expect(() => loadConfig(production)).toThrow(/EMAIL_ENCRYPTION_KEYS: is required in production[\s\S]*EMAIL_BLIND_INDEX_KEY: is required in production/);
    expect(() => loadConfig({ EMAIL_ENCRYPTION_KEYS: 'k1:short' })).toThrow(/EMAIL_ENCRYPTION_KEYS: key "k1" must be 32 bytes/);
    expect(() => loadConfig({ EMAIL_BLIND_INDEX_KEY: 'c2hvcnQ=' })).toThrow(/EMAIL_BLIND_INDEX_KEY: must be 32 bytes/);
    const shared = b64();
    expect(() => loadConfig({ EMAIL_ENCRYPTION_KEYS: `k1:${shared}`, EMAIL_BLIND_INDEX_KEY: shared })).toThrow(ConfigError);
    const config = loadConfig({ ...production, EMAIL_ENCRYPTION_KEYS: `k2:${b64()},k1:${b64()}`, EMAIL_BLIND_INDEX_KEY: b64() });
    expect(config.emailKeys.encryption.map((k) => k.id)).toEqual(['k2', 'k1']);
  });

  it('derives fixed development keys from the session secret when none are set', () => {
    const a = loadConfig({}).emailKeys;
    expect(loadConfig({ EMAIL_ENCRYPTION_KEYS: '' }).emailKeys).toEqual(a);
    expect(a.encryption.map((k) => k.id)).toEqual(['dev']);
    expect(loadConfig({ SESSION_SECRET: 'y'.repeat(40) }).emailKeys.blindIndex.equals(a.blindIndex)).toBe(false);
    const stored = createEmailCipher(a).encrypt('dev@example.org', 'users.email');
    expect(createEmailCipher(loadConfig({ NODE_ENV: 'test' }).emailKeys).decrypt(stored, 'users.email')).toBe('dev@example.org');
  });
});
