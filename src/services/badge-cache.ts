import { createHash } from 'node:crypto';
import type { Series } from '../criteria/index.ts';
import type { BadgeChange, BadgeRow, BadgesRepo } from '../db/badges.ts';
import { isBadgeStyle, parseBadgeValue, renderBadgeSvg, type BadgeStyle, type BadgeValue } from './badge.ts';
import type { ServiceContext } from './context.ts';
import { IN_PROGRESS, badgeLevelName } from './scoring/index.ts';

/**
 * The badge cache behind the fast path (src/http/badge-fast-path.ts), in three maps:
 *
 * 1. project id → both tiered percentages, packed into one small integer. This is all an
 *    image needs. It is filled in one query as soon as change notices are being received
 *    (100,000 projects: about 0.2 s and a few MB), and lazily for anything that query missed.
 *    Filling lazily only was measured first: with badge requests spread over 100,000 projects,
 *    most requests were misses for minutes, and the warm path was no faster than the cold one.
 * 2. project id → the columns of the badge JSON (name, updated_at, …), read on first use and
 *    kept for the most recent JSON_ROWS projects: the JSON is fetched far less than the images.
 * 3. badge value × style → the rendered bytes and their ETag. The whole output space is the 206
 *    values of spec §5.1 times 4 styles, so it is bounded and never evicted.
 *
 * A project is forgotten whenever a change to it is announced (src/db/badges.ts): at once after
 * a commit in this instance, and through LISTEN/NOTIFY from every other instance. While the
 * notification connection is down nothing is kept, because a change made elsewhere could be
 * missed; when it comes back everything is dropped and filled again. A read that started before
 * a change is not stored after it (the epoch check), so a slow miss cannot put an old value back.
 *
 * Keyed by project, not by series: one read brings both series' percentages; the series (metal for
 * `/projects/<id>/badge`, baseline for `/projects/<id>/baseline`) only decides which value and
 * which JSON are shown, so a change notice drops both at once.
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
  levels: number;
  rows: number;
  hits: number;
  misses: number;
}

/** A value now, or a promise of it when the database must be asked. */
export type Lookup<T> = T | Promise<T>;

export interface BadgeCache {
  /** The badge value of a live project in a series, or null when there is no such project. */
  value(id: number, series: Series): Lookup<BadgeValue | null>;
  /** The badge columns of a live project, or null. */
  entry(id: number): Lookup<BadgeEntry | null>;
  svg(value: BadgeValue, style: BadgeStyle): Rendered;
  json(entry: BadgeEntry, series: Series): Rendered;
  readonly enabled: boolean;
  stats(): BadgeCacheStats;
  /** Settles when the current fill from the database has finished (at once when none runs). */
  filled(): Promise<void>;
  /** Stops listening for changes (the cache keeps answering, reading through). */
  close(): void;
}

/** Most JSON rows kept; the oldest go first. */
export const JSON_ROWS = 20_000;

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

/** What the badge JSON of either series shows of a project. */
export type BadgeJsonSource = Pick<BadgeRow, 'id' | 'name' | 'updatedAt' | 'tieredPercentage' | 'baselineTieredPercentage' | 'baselinePercentage'>;

/**
 * The badge JSON of a series, keys in upstream's order (spec §5.2). Metal: the same keys, order
 * and values as presentBadge. Baseline: `badge_level` is the baseline badge *value* (a level name,
 * or `baseline-pct-N` while in progress, as upstream sends it) and `badge_percentage` is
 * baseline-1's own percentage column. The Express route and the cache both answer from here.
 */
export function badgeJson(ctx: Pick<ServiceContext, 'criteria'>, series: Series, row: BadgeJsonSource): Record<string, unknown> {
  if (series === 'metal') {
    return {
      id: row.id,
      name: row.name,
      updated_at: row.updatedAt.toISOString(),
      badge_level: badgeLevelName(ctx.criteria, row.tieredPercentage),
      tiered_percentage: row.tieredPercentage,
    };
  }
  return {
    id: row.id,
    name: row.name,
    updated_at: row.updatedAt.toISOString(),
    badge_level: String(badgeValueOf(ctx, 'baseline', row.baselineTieredPercentage)),
    badge_percentage: row.baselinePercentage,
  };
}

// Tiered percentages are 0..300 (a series of three levels); 1024 leaves room for more levels.
const SHIFT = 1024;
const pack = (tiered: number, baselineTiered: number): number => tiered * SHIFT + baselineTiered;
const TIERED: Record<Series, (packed: number) => number> = {
  metal: (packed) => Math.floor(packed / SHIFT),
  baseline: (packed) => packed % SHIFT,
};

type CacheContext = Pick<ServiceContext, 'criteria' | 'config' | 'logger'> & { db: { badges: BadgesRepo } };

export function createBadgeCache(ctx: CacheContext): BadgeCache {
  const enabled = ctx.config.badgeCacheEnabled;
  const repo = ctx.db.badges;
  const levels = new Map<number, number>();
  const rows = new Map<number, BadgeEntry>();
  const pending = new Map<number, Promise<BadgeEntry | null>>();
  // Keyed by the value itself (a Map tells 5 from "5") and then by style: no key string per request.
  const images = new Map<BadgeValue, Partial<Record<BadgeStyle, Rendered>>>();
  const valueMemo: Record<Series, BadgeValue[]> = { metal: [], baseline: [] };
  let trusted = enabled && repo.trusted;
  // Moves on every change: a read that began in an older epoch is answered but not kept.
  let epoch = 0;
  let hits = 0;
  let misses = 0;
  // The fill running now: changes announced meanwhile must not be overwritten by its older rows.
  let fill: { changed: Set<number>; all: boolean; done: Promise<void> } | null = null;

  const forget = (change: BadgeChange) => {
    epoch++;
    if ('all' in change) {
      levels.clear();
      rows.clear();
      pending.clear();
      if (fill) fill.all = true;
      return;
    }
    for (const id of change.ids) {
      levels.delete(id);
      rows.delete(id);
      pending.delete(id);
      fill?.changed.add(id);
    }
  };

  const startFill = () => {
    if (!enabled || fill) return;
    const started = Date.now();
    const current: { changed: Set<number>; all: boolean; done: Promise<void> } = { changed: new Set(), all: false, done: Promise.resolve() };
    fill = current;
    current.done = repo.levels().then(
      (all) => {
        fill = null;
        // Notices were missed (connection lost) or everything was dropped: this fill is stale.
        if (!trusted || current.all) {
          if (trusted) startFill();
          return;
        }
        for (const [id, tiered, baselineTiered] of all) {
          if (!current.changed.has(id) && !levels.has(id)) levels.set(id, pack(tiered, baselineTiered));
        }
        ctx.logger.info('badge cache: filled', { projects: all.length, ms: Date.now() - started });
      },
      (err: unknown) => {
        fill = null;
        ctx.logger.warn('badge cache: fill failed; badges are read one by one', { error: err instanceof Error ? err.message : String(err) });
      },
    );
  };

  const unsubscribe = enabled
    ? repo.subscribe({
        changed: forget,
        trusted: (isTrusted) => {
          trusted = isTrusted;
          if (isTrusted) {
            ctx.logger.info('badge cache: listening for badge changes');
            startFill();
          } else {
            ctx.logger.warn('badge cache: change notifications interrupted; badges are read from the database until they return');
          }
        },
      })
    : () => undefined;
  if (trusted) startFill();

  const keepRow = (row: BadgeEntry) => {
    levels.set(row.id, pack(row.tieredPercentage, row.baselineTieredPercentage));
    rows.delete(row.id);
    rows.set(row.id, row);
    // Oldest first: Map iterates in insertion order.
    for (const id of rows.keys()) {
      if (rows.size <= JSON_ROWS) break;
      rows.delete(id);
    }
  };

  const read = (id: number): Promise<BadgeEntry | null> => {
    if (!enabled) return repo.find(id);
    const waiting = pending.get(id);
    if (waiting) return waiting;
    const started = epoch;
    const promise = repo.find(id).then(
      (row) => {
        if (pending.get(id) === promise) pending.delete(id);
        if (row && trusted && epoch === started) keepRow(row);
        return row;
      },
      (err: unknown) => {
        if (pending.get(id) === promise) pending.delete(id);
        throw err;
      },
    );
    pending.set(id, promise);
    return promise;
  };

  const valueOf = (series: Series, packed: number): BadgeValue => {
    const tiered = TIERED[series](packed);
    const memo = valueMemo[series];
    let value = memo[tiered];
    if (value === undefined) {
      value = badgeValueOf(ctx, series, tiered);
      memo[tiered] = value;
    }
    return value;
  };

  return {
    enabled,
    value(id, series) {
      const packed = levels.get(id);
      if (packed !== undefined) {
        hits++;
        return valueOf(series, packed);
      }
      misses++;
      return read(id).then((row) => (row ? valueOf(series, pack(row.tieredPercentage, row.baselineTieredPercentage)) : null));
    },
    entry(id) {
      const row = rows.get(id);
      if (row) {
        hits++;
        return row;
      }
      misses++;
      return read(id);
    },
    svg(value, style) {
      let styles = images.get(value);
      let image = styles?.[style];
      if (!image) {
        if (!isBadgeStyle(style)) throw new RangeError(`invalid badge style: ${String(style)}`);
        // renderBadgeSvg throws for anything outside the 206 values, so the map stays bounded.
        image = rendered(Buffer.from(renderBadgeSvg(value, { style })));
        styles ??= {};
        styles[style] = image;
        images.set(value, styles);
      }
      return image;
    },
    json(entry, series) {
      const cached = entry.json?.[series];
      if (cached) return cached;
      const made = rendered(Buffer.from(JSON.stringify(badgeJson(ctx, series, entry))));
      entry.json = { ...entry.json, [series]: made };
      return made;
    },
    stats: () => ({ levels: levels.size, rows: rows.size, hits, misses }),
    filled: () => fill?.done ?? Promise.resolve(),
    close() {
      unsubscribe();
      trusted = false;
      levels.clear();
      rows.clear();
      pending.clear();
    },
  };
}
