import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

describe('loadConfig', () => {
  it('needs no variables in development', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ env: 'development', port: 3000, publicUrl: 'http://localhost:3000', seedDemoData: true, trustProxy: false });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('refuses to start production without a session secret and database', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SESSION_SECRET: is required in production[\s\S]*DATABASE_URL: is required/);
  });

  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL: must be a postgres/);
    expect(() => loadConfig({ SESSION_SECRET: 'short' })).toThrow(/SESSION_SECRET: must be at least 32 characters/);
  });

  it('parses TRUST_PROXY as Express expects', () => {
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toBe('loopback, 10.0.0.0/8');
  });

  it('never lets the CDN keep stale badges for less than twice their lifetime', () => {
    expect(loadConfig({ BADGEAPP_BADGE_CACHE_MAX_AGE: '100', BADGEAPP_BADGE_CACHE_STALE_AGE: '50' }).badgeCache).toEqual({ maxAge: 100, staleAge: 200 });
  });
});

describe('redactedError', () => {
  it('removes email addresses from error text before it is logged', async () => {
    const { redactedError } = await import('../../src/logger.ts');
    expect(redactedError(new Error('550 5.1.1 <alice@example.org>: Recipient address rejected'))).toBe(
      '550 5.1.1 <[address]>: Recipient address rejected',
    );
  });
});
