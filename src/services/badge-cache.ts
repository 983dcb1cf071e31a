import { createHash } from 'node:crypto';
import type { Series } from '../criteria/index.ts';
import type { BadgeChange, BadgeRow, BadgesRepo } from '../db/badges.ts';
import { isBadgeStyle, parseBadgeValue, renderBadgeSvg, type BadgeStyle, type BadgeValue } from './badge.ts';
import type { ServiceContext } from './context.ts';
import { IN_PROGRESS, badgeLevelName } from './scoring/index.ts';

/**
 * The badge cache behind the fast path (src/http/badge-fast-path.ts), in two layers:
 *
 * 1. project id → the few columns a badge shows (BadgeRow). Filled lazily, one primary-key
 *    query per miss, concurrent misses for one id sharing it. Measured on 100,000 projects, the
 *    alternative (one query at start) costs start-up time and memory for every project while
 *    badge traffic concentrates on a small share of them (docs/performance.md).
 * 2. badge value × style → the rendered bytes and their ETag. The whole output space is the 206
 *    values of spec §5.1 times 4 styles, so it is bounded and never evicted.
 *
 * A project's entry is dropped whenever a change to it is announced (src/db/badges.ts): at once
 * after a commit in this instance, and through LISTEN/NOTIFY from every other instance. While
 * the notification connection is down nothing new is kept, because a change made elsewhere
 * could be missed; when it comes back everything is dropped. A read that started before a
 * change is not stored after it (the epoch check), so a slow miss cannot put an old value back.
 *
 * The cache is keyed by project, not by series: both series' percentages come with one read,
 * and the series (metal today, baseline next) only decides which value and JSON are shown.
 */

export interface Rendered {
  readonly body: Buffer;
  /** Weak ETag computed as Express computes it, so conditional requests behave as before. */
  readonly etag: string;
  readonly length: string;
}

export interface BadgeEntry extends BadgeRow {
  /** Rendered badge JSON per series, made on first use. */
  json?: Partial<Record<Series, Rendered>>;
}

export interface BadgeCacheStats {
  entries: number;
  hits: number;
  misses: number;
}

export interface BadgeCache {
  /** The entry of a live project (synchronously when cached), or null for none. */
  lookup(id: number): BadgeEntry | null | Promise<BadgeEntry | null>;
  /** The badge value a project shows in a series. */
  value(entry: BadgeEntry, series: Series): BadgeValue;
  svg(value: BadgeValue, style: BadgeStyle): Rendered;
  json(entry: BadgeEntry, series: 'metal'): Rendered;
  readonly enabled: boolean;
  stats(): BadgeCacheStats;
  /** Stops listening for changes (the cache keeps answering, reading through). */
  close(): void;
}

/** The ETag Express (etag package, weak) gives a body: byte length in hex and a SHA-1 prefix. */
export function weakEtag(body: Buffer): string {
  const hash = createHash('sha1').update(body).digest('base64').slice(0, 27);
  return `W/"${body.length.toString(16)}-${hash}"`;
}

function rendered(body: Buffer): Rendered {
  return { body, etag: weakEtag(body), length: String(body.length) };
}

/** The badge value of a tiered percentage: a level name, or the percentage while in progress. */
export function badgeValueOf(ctx: Pick<ServiceContext, 'criteria'>, series: Series, tiered: number): BadgeValue {
  const level = badgeLevelName(ctx.criteria, tiered, series);
  const pct = Math.min(Math.max(Math.trunc(tiered), 0), 99);
  const text = level !== IN_PROGRESS ? level : series === 'metal' ? String(pct) : `baseline-pct-${pct}`;
  const value = parseBadgeValue(text);
  if (value === null) throw new Error(`No badge image for level ${level} of the ${series} series`);
  return value;
}

/** The badge JSON of the metal series: the same keys, order and values as presentBadge. */
function metalJson(ctx: Pick<ServiceContext, 'criteria'>, entry: BadgeRow): Buffer {
  return Buffer.from(
    JSON.stringify({
      id: entry.id,
      name: entry.name,
      updated_at: entry.updatedAt.toISOString(),
      badge_level: badgeLevelName(ctx.criteria, entry.tieredPercentage),
      tiered_percentage: entry.tieredPercentage,
    }),
  );
}

const TIERED: Record<Series, (row: BadgeRow) => number> = {
  metal: (row) => row.tieredPercentage,
  baseline: (row) => row.baselineTieredPercentage,
};

export function createBadgeCache(ctx: Pick<ServiceContext, 'criteria' | 'config' | 'logger'> & { db: { badges: BadgesRepo } }): BadgeCache {
  const enabled = ctx.config.badgeCacheEnabled;
  const repo = ctx.db.badges;
  const entries = new Map<number, BadgeEntry>();
  const pending = new Map<number, Promise<BadgeEntry | null>>();
  const images = new Map<string, Rendered>();
  let trusted = repo.trusted;
  // Moves on every change: a read that began in an older epoch is answered but not kept.
  let epoch = 0;
  let hits = 0;
  let misses = 0;

  const forget = (change: BadgeChange) => {
    epoch++;
    if ('all' in change) {
      entries.clear();
      pending.clear();
      return;
    }
    for (const id of change.ids) {
      entries.delete(id);
      pending.delete(id);
    }
  };
  const unsubscribe = enabled
    ? repo.subscribe({
        changed: forget,
        trusted: (isTrusted) => {
          trusted = isTrusted;
          if (isTrusted) ctx.logger.info('badge cache: listening for badge changes');
          else ctx.logger.warn('badge cache: change notifications interrupted; badges are read from the database until they return');
        },
      })
    : () => undefined;

  const read = (id: number): Promise<BadgeEntry | null> => {
    const started = epoch;
    const promise = repo.find(id).then(
      (row) => {
        if (pending.get(id) === promise) pending.delete(id);
        if (row && enabled && trusted && epoch === started) entries.set(id, row);
        return row;
      },
      (err: unknown) => {
        if (pending.get(id) === promise) pending.delete(id);
        throw err;
      },
    );
    return promise;
  };

  return {
    enabled,
    lookup(id) {
      if (!enabled) return repo.find(id);
      const entry = entries.get(id);
      if (entry) {
        hits++;
        return entry;
      }
      misses++;
      let promise = pending.get(id);
      if (!promise) {
        promise = read(id);
        pending.set(id, promise);
      }
      return promise;
    },
    value(entry, series) {
      return badgeValueOf(ctx, series, TIERED[series](entry));
    },
    svg(value, style) {
      if (!isBadgeStyle(style)) throw new RangeError(`invalid badge style: ${String(style)}`);
      const key = `${typeof value}:${String(value)}|${style}`;
      let image = images.get(key);
      if (!image) {
        // renderBadgeSvg throws for anything outside the 206 values, so the map stays bounded.
        image = rendered(Buffer.from(renderBadgeSvg(value, { style })));
        images.set(key, image);
      }
      return image;
    },
    json(entry, series) {
      const cached = entry.json?.[series];
      if (cached) return cached;
      const made = rendered(metalJson(ctx, entry));
      entry.json = { ...entry.json, [series]: made };
      return made;
    },
    stats: () => ({ entries: entries.size, hits, misses }),
    close() {
      unsubscribe();
      entries.clear();
      pending.clear();
    },
  };
}
