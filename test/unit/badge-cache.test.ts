import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { criteria } from '../../src/criteria/index.ts';
import { changePayloads, parseChangePayload, type BadgeChangeSubscriber, type BadgeLevels, type BadgeRow, type BadgesRepo } from '../../src/db/badges.ts';
import { createLogger } from '../../src/logger.ts';
import { renderBadgeSvg } from '../../src/services/badge.ts';
import { badgeJson, badgeValueOf, createBadgeCache, JSON_ROWS, weakEtag } from '../../src/services/badge-cache.ts';

/** An in-memory store: rows by id, reads that can be held back, notices sent by hand. */
function fakeStore(initial: BadgeRow[] = []) {
  const table = new Map(initial.map((r) => [r.id, r]));
  const subscribers = new Set<BadgeChangeSubscriber>();
  const calls = { find: 0, levels: 0 };
  let hold: Promise<void> | null = null;
  const repo: BadgesRepo = {
    async find(id) {
      calls.find++;
      const row = table.get(id) ?? null;
      if (hold) await hold;
      return row ? { ...row } : null;
    },
    async levels() {
      calls.levels++;
      const all: BadgeLevels[] = [...table.values()].map((r) => [r.id, r.tieredPercentage, r.baselineTieredPercentage]);
      if (hold) await hold;
      return all;
    },
    subscribe(s) {
      subscribers.add(s);
      return () => subscribers.delete(s);
    },
    trusted: false,
  };
  return {
    repo,
    calls,
    table,
    /** Reads started from now on wait until the returned function is called. */
    holdReads() {
      let release: () => void = () => undefined;
      hold = new Promise((r) => (release = r));
      return () => {
        hold = null;
        release();
      };
    },
    trust(isTrusted: boolean) {
      (repo as { trusted: boolean }).trusted = isTrusted;
      for (const s of subscribers) {
        s.changed({ all: true });
        s.trusted(isTrusted);
      }
    },
    change(ids: number[]) {
      for (const s of subscribers) s.changed({ ids });
    },
  };
}

const row = (id: number, tiered: number, extra: Partial<BadgeRow> = {}): BadgeRow => ({
  id, name: `P${id}`, updatedAt: new Date('2026-01-02T03:04:05.678Z'), tieredPercentage: tiered, baselineTieredPercentage: 0, baselinePercentage: 0, ...extra,
});

function cacheOn(store: ReturnType<typeof fakeStore>, env: Record<string, string> = {}) {
  return createBadgeCache({ criteria: criteria(), config: loadConfig({ NODE_ENV: 'test', ...env }), logger: createLogger('silent'), db: { badges: store.repo } });
}

const settle = () => new Promise((r) => setImmediate(r));

describe('badge values', () => {
  it('maps tiered percentages to the 206 values of both series', () => {
    const set = { criteria: criteria() };
    expect(badgeValueOf(set, 'metal', 0)).toBe(0);
    expect(badgeValueOf(set, 'metal', 99)).toBe(99);
    expect(badgeValueOf(set, 'metal', 100)).toBe('passing');
    expect(badgeValueOf(set, 'metal', 257)).toBe('silver');
    expect(badgeValueOf(set, 'metal', 300)).toBe('gold');
    expect(badgeValueOf(set, 'baseline', 42)).toBe('baseline-pct-42');
    expect(badgeValueOf(set, 'baseline', 150)).toBe('baseline-1');
    expect(badgeValueOf(set, 'baseline', 300)).toBe('baseline-3');
  });

  it('maps every baseline tiered percentage: in progress shows it, then each level from its hundred', () => {
    const set = { criteria: criteria() };
    for (let tiered = 0; tiered <= 300; tiered++) {
      const expected = tiered < 100 ? `baseline-pct-${tiered}` : `baseline-${Math.floor(tiered / 100)}`;
      expect(badgeValueOf(set, 'baseline', tiered), String(tiered)).toBe(expected);
    }
    // Out-of-range values (never stored) still give a valid image rather than an error.
    expect(badgeValueOf(set, 'baseline', -5)).toBe('baseline-pct-0');
    expect(badgeValueOf(set, 'baseline', 999)).toBe('baseline-3');
  });

  it('gives upstream\'s baseline JSON: the badge value as badge_level and baseline-1\'s own percentage', () => {
    const set = { criteria: criteria() };
    const source = { id: 9, name: 'N', updatedAt: new Date('2026-01-02T03:04:05.678Z'), tieredPercentage: 300, baselineTieredPercentage: 42, baselinePercentage: 42 };
    expect(JSON.stringify(badgeJson(set, 'baseline', source))).toBe(
      '{"id":9,"name":"N","updated_at":"2026-01-02T03:04:05.678Z","badge_level":"baseline-pct-42","badge_percentage":42}',
    );
    expect(badgeJson(set, 'baseline', { ...source, baselineTieredPercentage: 250, baselinePercentage: 100 })).toMatchObject({ badge_level: 'baseline-2', badge_percentage: 100 });
    expect(badgeJson(set, 'baseline', { ...source, baselinePercentage: null })).toMatchObject({ badge_percentage: null });
    expect(badgeJson(set, 'metal', source)).toEqual({ id: 9, name: 'N', updated_at: '2026-01-02T03:04:05.678Z', badge_level: 'gold', tiered_percentage: 300 });
  });

  it('computes the ETag Express computed for the same bytes', () => {
    // Value taken from Express's answer for the flat "in progress 0%" badge before the fast path.
    expect(weakEtag(Buffer.from(renderBadgeSvg(0)))).toBe('W/"588-0QnTqFGC78Aa0Mqm7SjKj2XgDqw"');
  });
});

describe('change payloads', () => {
  it('round-trip ids and split long lists below the 8000-byte limit', () => {
    expect(changePayloads([3, 1, 3])).toEqual(['3,1']);
    const many = Array.from({ length: 3000 }, (_, i) => 1_000_000 + i);
    const payloads = changePayloads(many);
    expect(payloads.length).toBeGreaterThan(1);
    expect(payloads.every((p) => p.length < 8000)).toBe(true);
    expect(payloads.flatMap((p) => (parseChangePayload(p) as { ids: number[] }).ids)).toEqual(many);
  });

  it('reads "*" and anything unexpected as "everything"', () => {
    for (const payload of ['*', '', 'x', '1,,2', '1;DROP']) expect(parseChangePayload(payload)).toEqual({ all: true });
  });
});

describe('the cache', () => {
  it('keeps nothing until notices are received, then fills from one query', async () => {
    const store = fakeStore([row(1, 50), row(2, 100)]);
    const cache = cacheOn(store);
    expect(await cache.value(1, 'metal')).toBe(50);
    expect(await cache.value(1, 'metal')).toBe(50);
    expect(store.calls.find).toBe(2);
    store.trust(true);
    await cache.filled();
    expect(store.calls.levels).toBe(1);
    expect(cache.value(1, 'metal')).toBe(50);
    expect(cache.value(2, 'metal')).toBe('passing');
    expect(cache.stats()).toMatchObject({ levels: 2 });
  });

  it('forgets a project on its notice and reads it again', async () => {
    const store = fakeStore([row(1, 50)]);
    const cache = cacheOn(store);
    store.trust(true);
    await cache.filled();
    store.table.set(1, row(1, 100));
    expect(cache.value(1, 'metal')).toBe(50);
    store.change([1]);
    expect(await cache.value(1, 'metal')).toBe('passing');
    expect(cache.value(1, 'metal')).toBe('passing');
  });

  it('drops everything and stops keeping while notices are interrupted', async () => {
    const store = fakeStore([row(1, 50)]);
    const cache = cacheOn(store);
    store.trust(true);
    await cache.filled();
    store.trust(false);
    expect(cache.stats().levels).toBe(0);
    await cache.value(1, 'metal');
    expect(cache.value(1, 'metal')).toBeInstanceOf(Promise);
    store.trust(true);
    await cache.filled();
    expect(cache.value(1, 'metal')).toBe(50);
  });

  it('does not let a read that began before a change put the old value back', async () => {
    const store = fakeStore([row(7, 10)]);
    const cache = cacheOn(store);
    store.trust(true);
    await cache.filled();
    store.change([7]);
    const release = store.holdReads();
    const slow = cache.value(7, 'metal');
    store.table.set(7, row(7, 100));
    store.change([7]);
    release();
    expect(await slow).toBe(10);
    await settle();
    // Not kept: the next lookup reads again and sees the change.
    expect(await cache.value(7, 'metal')).toBe('passing');
  });

  it('does not let a fill overwrite a project changed while it ran', async () => {
    const store = fakeStore([row(1, 10), row(2, 20)]);
    const cache = cacheOn(store);
    const release = store.holdReads();
    store.trust(true);
    store.table.set(1, row(1, 100));
    store.change([1]);
    release();
    await cache.filled();
    expect(cache.value(2, 'metal')).toBe(20);
    expect(await cache.value(1, 'metal')).toBe('passing');
  });

  it('shares one read among concurrent misses', async () => {
    const store = fakeStore([row(3, 30)]);
    const cache = cacheOn(store);
    store.trust(true);
    await cache.filled();
    store.change([3]);
    const release = store.holdReads();
    const lookups = [cache.entry(3), cache.value(3, 'metal'), cache.entry(3)];
    release();
    await Promise.all(lookups.map((l) => Promise.resolve(l)));
    expect(store.calls.find).toBe(1);
  });

  it('keeps the JSON columns of the most recent projects only', async () => {
    const store = fakeStore(Array.from({ length: JSON_ROWS + 5 }, (_, i) => row(i + 1, 5)));
    const cache = cacheOn(store);
    store.trust(true);
    await cache.filled();
    for (let id = 1; id <= JSON_ROWS + 5; id++) await cache.entry(id);
    expect(cache.stats().rows).toBe(JSON_ROWS);
    expect(cache.entry(JSON_ROWS + 5)).not.toBeInstanceOf(Promise);
    expect(cache.entry(1)).toBeInstanceOf(Promise);
  });

  it('renders the JSON of presentBadge and each image once', async () => {
    const store = fakeStore([row(4, 150, { name: 'A "quoted" name' })]);
    const cache = cacheOn(store);
    const entry = (await cache.entry(4))!;
    const json = cache.json(entry, 'metal');
    expect(JSON.parse(json.body.toString())).toEqual({ id: 4, name: 'A "quoted" name', updated_at: '2026-01-02T03:04:05.678Z', badge_level: 'passing', tiered_percentage: 150 });
    expect(cache.json(entry, 'metal')).toBe(json);
    // The baseline JSON of the same entry is a second rendering, kept beside it.
    const baseline = cache.json(entry, 'baseline');
    expect(JSON.parse(baseline.body.toString())).toEqual({ id: 4, name: 'A "quoted" name', updated_at: '2026-01-02T03:04:05.678Z', badge_level: 'baseline-pct-0', badge_percentage: 0 });
    expect(cache.json(entry, 'baseline')).toBe(baseline);
    expect(baseline.etag).not.toBe(json.etag);
    const image = cache.svg('passing', 'plastic');
    expect(image.body.toString()).toBe(renderBadgeSvg('passing', { style: 'plastic' }));
    expect(cache.svg('passing', 'plastic')).toBe(image);
    expect(image.length).toBe(String(image.body.length));
  });

  it('reads every time with BADGE_CACHE=off and never fills', async () => {
    const store = fakeStore([row(1, 50)]);
    const cache = cacheOn(store, { BADGE_CACHE: 'off' });
    store.trust(true);
    await cache.filled();
    await cache.value(1, 'metal');
    await cache.value(1, 'metal');
    expect(store.calls).toEqual({ find: 2, levels: 0 });
    expect(cache.enabled).toBe(false);
  });

  it('answers null for a project that does not exist, and keeps no trace of it', async () => {
    const store = fakeStore();
    const cache = cacheOn(store);
    store.trust(true);
    await cache.filled();
    expect(await cache.value(99, 'metal')).toBeNull();
    expect(cache.stats()).toMatchObject({ levels: 0, rows: 0 });
  });
});

describe('configuration', () => {
  it('accepts BADGE_CACHE on or off only', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).badgeCacheEnabled).toBe(true);
    expect(loadConfig({ NODE_ENV: 'test', BADGE_CACHE: 'off' }).badgeCacheEnabled).toBe(false);
    expect(() => loadConfig({ NODE_ENV: 'test', BADGE_CACHE: 'no' })).toThrow(/BADGE_CACHE/);
  });
});
