import type pg from 'pg';
import type { PrismaClient } from './generated/client.ts';
import { listenOnChannel, type ChannelListener } from './notify.ts';

/**
 * What a badge needs of a project, and how the instances tell each other that it changed.
 *
 * Reads: one indexed query on the primary key for exactly the columns the badge images and the
 * badge JSON show (prepared once per connection), straight on the pool: the badge path is the
 * hottest read of the site and needs neither the answers nor the owner.
 *
 * Changes: a writer inside a transaction sends `NOTIFY badge_changes, '<id>,<id>…'`, which
 * PostgreSQL delivers to every listening instance only if and when that transaction commits;
 * the same ids are handed to this instance's subscribers right after the commit, so a save is
 * visible here at once without waiting for the round trip through the server.
 */
export const BADGE_CHANNEL = 'badge_changes';

/** Payload meaning "forget everything" (a bulk recalculation, a restore from backup). */
export const ALL_BADGES = '*';

/** PostgreSQL refuses payloads of 8000 bytes or more; ids are sent in chunks well below that. */
const MAX_PAYLOAD = 7_000;

export interface BadgeRow {
  id: number;
  name: string | null;
  updatedAt: Date;
  tieredPercentage: number;
  baselineTieredPercentage: number;
  /** baseline-1's own percentage (`badge_percentage_baseline_1`, null on rows never scored): the baseline JSON shows it. */
  baselinePercentage: number | null;
}

/** A change notice: some projects, or every project. */
export type BadgeChange = { ids: readonly number[] } | { all: true };

export interface BadgeChangeSubscriber {
  changed(change: BadgeChange): void;
  /**
   * False while the notification connection is down (changes made elsewhere may be missed);
   * every switch comes right after a `changed({ all: true })`.
   */
  trusted(isTrusted: boolean): void;
}

export interface BadgeChangeWriter {
  /** Announces that these projects' badges changed; inside a transaction, on commit only. */
  changed(ids: readonly number[]): Promise<void>;
}

/** [id, tiered_percentage, baseline_tiered_percentage] of one live project. */
export type BadgeLevels = [id: number, tiered: number, baselineTiered: number];

export interface BadgesRepo {
  /** The live (not soft-deleted) project's badge columns, or null. */
  find(id: number): Promise<BadgeRow | null>;
  /** Both tiered percentages of every live project, in one query (for filling the cache at start). */
  levels(): Promise<BadgeLevels[]>;
  /**
   * Receives every change, local and from other instances. The first subscriber opens the
   * LISTEN connection; `trusted` tells whether notifications are being received right now.
   */
  subscribe(subscriber: BadgeChangeSubscriber): () => void;
  /** True while the LISTEN connection is up. */
  readonly trusted: boolean;
}

type Notifier = Pick<PrismaClient, '$executeRaw'>;

const FIND = {
  name: 'badge_row',
  text: 'SELECT id, name, updated_at, tiered_percentage, baseline_tiered_percentage, badge_percentage_baseline_1 FROM projects WHERE id = $1 AND deleted_at IS NULL',
};

const LEVELS = 'SELECT id, tiered_percentage, baseline_tiered_percentage FROM projects WHERE deleted_at IS NULL';

interface FoundRow {
  id: number;
  name: string | null;
  updated_at: Date;
  tiered_percentage: number;
  baseline_tiered_percentage: number;
  badge_percentage_baseline_1: number | null;
}

/** Comma-separated ids, split so that no payload reaches PostgreSQL's limit. */
export function changePayloads(ids: readonly number[]): string[] {
  const payloads: string[] = [];
  let current = '';
  for (const id of new Set(ids)) {
    const text = String(id);
    if (current.length + text.length + 1 > MAX_PAYLOAD) {
      payloads.push(current);
      current = '';
    }
    current = current ? `${current},${text}` : text;
  }
  if (current) payloads.push(current);
  return payloads;
}

/** A payload from the channel; anything that is not a list of ids is read as "everything". */
export function parseChangePayload(payload: string): BadgeChange {
  if (payload === ALL_BADGES || !/^[0-9]+(?:,[0-9]+)*$/.test(payload)) return { all: true };
  return { ids: payload.split(',').map(Number) };
}

async function notify(client: Notifier, ids: readonly number[]): Promise<void> {
  for (const payload of changePayloads(ids)) {
    await client.$executeRaw`SELECT pg_notify(${BADGE_CHANNEL}, ${payload})`;
  }
}

export interface BadgeStore {
  repo: BadgesRepo;
  /** Outside a transaction: notifies at once. */
  writer: BadgeChangeWriter;
  /** A writer bound to one transaction, and what to call once it has committed. */
  inTransaction(tx: Notifier): { writer: BadgeChangeWriter; committed(): void };
  close(): Promise<void>;
}

export function createBadgeStore(pool: pg.Pool, url: string, prisma: Notifier): BadgeStore {
  const subscribers = new Set<BadgeChangeSubscriber>();
  let listener: ChannelListener | null = null;
  let closed = false;
  const publish = (change: BadgeChange) => {
    for (const s of subscribers) s.changed(change);
  };
  const setTrusted = (trusted: boolean) => {
    for (const s of subscribers) {
      s.changed({ all: true });
      s.trusted(trusted);
    }
  };
  const listen = () => {
    if (listener || closed) return;
    listener = listenOnChannel(url, BADGE_CHANNEL, {
      message: (payload) => {
        publish(parseChangePayload(payload));
      },
      listening: () => {
        setTrusted(true);
      },
      lost: () => {
        setTrusted(false);
      },
    });
  };
  const repo: BadgesRepo = {
    async find(id) {
      const result = await pool.query<FoundRow>({ ...FIND, values: [id] });
      const row = result.rows[0];
      if (!row) return null;
      return {
        id: row.id,
        name: row.name,
        updatedAt: row.updated_at,
        tieredPercentage: row.tiered_percentage,
        baselineTieredPercentage: row.baseline_tiered_percentage,
        baselinePercentage: row.badge_percentage_baseline_1,
      };
    },
    async levels() {
      // Arrays instead of row objects: a third of the memory and time for 100,000 rows.
      const result = await pool.query<BadgeLevels>({ text: LEVELS, rowMode: 'array' });
      return result.rows;
    },
    subscribe(subscriber) {
      subscribers.add(subscriber);
      listen();
      return () => {
        subscribers.delete(subscriber);
      };
    },
    get trusted() {
      return listener?.active ?? false;
    },
  };
  return {
    repo,
    writer: {
      async changed(ids) {
        await notify(prisma, ids);
        publish({ ids });
      },
    },
    inTransaction(tx) {
      const pending: number[] = [];
      return {
        writer: {
          async changed(ids) {
            await notify(tx, ids);
            pending.push(...ids);
          },
        },
        committed() {
          if (pending.length > 0) publish({ ids: pending });
        },
      };
    },
    async close() {
      closed = true;
      subscribers.clear();
      await listener?.close();
      listener = null;
    },
  };
}
