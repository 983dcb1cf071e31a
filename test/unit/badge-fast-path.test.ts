import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { criteria } from '../../src/criteria/index.ts';
import type { BadgesRepo } from '../../src/db/badges.ts';
import { clientAddressFrom, createBadgeFastPath, createBadgeThrottle, matchesEtag } from '../../src/http/badge-fast-path.ts';
import { createLogger } from '../../src/logger.ts';
import { createBadgeCache } from '../../src/services/badge-cache.ts';

describe('the badge throttle (per address, in memory)', () => {
  it('allows the limit at once, then refills continuously over the window', () => {
    const throttle = createBadgeThrottle({ limit: 3, windowMs: 3_000 });
    expect([0, 0, 0].map(() => throttle.take('a', 1_000))).toEqual([0, 0, 0]);
    const wait = throttle.take('a', 1_000);
    expect(wait).toBe(1);
    // Another address has its own bucket.
    expect(throttle.take('b', 1_000)).toBe(0);
    // One request's worth comes back after windowMs / limit.
    expect(throttle.take('a', 2_000)).toBe(0);
    expect(throttle.take('a', 2_000)).toBeGreaterThan(0);
  });

  it('refuses without end while an address keeps asking too fast', () => {
    const throttle = createBadgeThrottle({ limit: 2, windowMs: 10_000 });
    let refused = 0;
    for (let t = 0; t < 100; t++) if (throttle.take('flood', t * 10) > 0) refused++;
    expect(refused).toBe(98);
  });

  it('keeps a bounded number of addresses', () => {
    const throttle = createBadgeThrottle({ limit: 5, windowMs: 60_000, maxKeys: 100 });
    for (let i = 0; i < 1_000; i++) throttle.take(`198.51.100.${i}`, 0);
    expect(throttle.size).toBeLessThanOrEqual(100);
    // Full buckets carry no information and are dropped once a window has passed.
    throttle.take('late', 120_000);
    expect(throttle.size).toBe(1);
  });
});

describe('If-None-Match (the rule of the fresh package)', () => {
  const etag = 'W/"588-abc"';
  it.each([
    ['W/"588-abc"', true],
    ['"588-abc"', true],
    ['"x", W/"588-abc"', true],
    ['*', true],
    ['"588-abd"', false],
    ['', false],
  ])('%j → %s', (header, fresh) => {
    expect(matchesEtag(header, etag, undefined)).toBe(fresh);
  });

  it('is never fresh when the client asks to revalidate end to end', () => {
    expect(matchesEtag(etag, etag, 'no-cache')).toBe(false);
    expect(matchesEtag(etag, etag, 'max-age=0, no-cache')).toBe(false);
    expect(matchesEtag(etag, etag, 'max-age=0')).toBe(true);
  });
});

describe('client address (Express "trust proxy")', () => {
  const req = (remote: string, forwarded?: string) => ({ socket: { remoteAddress: remote }, headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded } }) as unknown as IncomingMessage;

  it('ignores X-Forwarded-For when no proxy is trusted', () => {
    expect(clientAddressFrom(() => false)(req('10.0.0.1', '203.0.113.9'))).toBe('10.0.0.1');
  });

  it('walks back as many hops as are trusted', () => {
    const oneHop = clientAddressFrom((_a, hop) => hop < 1);
    expect(oneHop(req('10.0.0.1', '198.51.100.7, 203.0.113.9'))).toBe('203.0.113.9');
    const all = clientAddressFrom(() => true);
    expect(all(req('10.0.0.1', '198.51.100.7, 203.0.113.9'))).toBe('198.51.100.7');
    expect(all(req('10.0.0.1'))).toBe('10.0.0.1');
  });
});

describe('the access-log summary', () => {
  it('writes one line per interval with counts by kind and status, instead of a line per badge', () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger('info', { destination: { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) } });
    const config = loadConfig({ NODE_ENV: 'test' });
    const none: BadgesRepo = { find: () => Promise.resolve(null), levels: () => Promise.resolve([]), subscribe: () => () => undefined, trusted: false };
    let clock = 1_000;
    const fastPath = createBadgeFastPath({
      config,
      cache: createBadgeCache({ criteria: criteria(), config, logger, db: { badges: none } }),
      logger,
      headers: { security: [] },
      throttle: createBadgeThrottle({ limit: 2, windowMs: 60_000 }),
      clientAddress: () => '192.0.2.1',
      throttledMessage: () => 'slow down',
      logIntervalMs: 1_000,
      now: () => clock,
    });
    const statuses: number[] = [];
    const get = (url: string) => {
      const req = { method: 'GET', url, headers: {}, socket: { remoteAddress: '192.0.2.1' } } as unknown as IncomingMessage;
      const res = { writeHead: (status: number) => statuses.push(status), end: () => undefined } as unknown as ServerResponse;
      fastPath(req, res, () => statuses.push(0));
    };
    get('/badge_static/passing');
    get('/badge_static/99');
    get('/badge_static/gold');
    expect(statuses).toEqual([200, 200, 429]);
    expect(lines).toEqual([]);
    clock += 1_000;
    get('/somewhere/else');
    get('/badge_static/silver');
    expect(statuses).toEqual([200, 200, 429, 0, 429]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: 'badge requests', route: 'badge fast path', periodMs: 1_000, counts: { 'svg 200': 2, 'svg 429': 2 } });
  });
});
