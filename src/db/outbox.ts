import type { EmailCipher } from './email-crypto.ts';
import type { Prisma, PrismaClient } from './generated/client.ts';

type Client = Pick<PrismaClient, 'outboxMessage'>;
type RootClient = Pick<PrismaClient, 'outboxMessage' | '$transaction'>;

export type OutboxKind = 'mail' | 'purge';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface OutboxInsert {
  kind: OutboxKind;
  payload: JsonObject;
  /** Mail only: the address the limits count by (stored as its blind index, never in clear). */
  recipient?: string | null;
  /** The user whose action caused the message (limits per sender). */
  senderId?: number | null;
  /** The limit class of a mail (e.g. password_reset, account, notification). */
  category?: string | null;
  runAfter?: Date;
  requestId?: string | null;
}

export interface OutboxRow {
  id: string;
  kind: OutboxKind;
  payload: JsonValue;
  recipient: string | null;
  senderId: number | null;
  category: string | null;
  attempts: number;
  requestId: string | null;
}

/** Mail already claimed within the counting window, as seen by the drainer holding the lock. */
export interface MailCounts {
  toRecipient: number;
  toRecipientInCategory: number;
  fromSender: number;
  global: number;
}

export type ClaimDecision = { action: 'send' } | { action: 'suppress'; reason: string } | { action: 'defer' };

export interface OutboxRepo {
  enqueue(messages: OutboxInsert[]): Promise<void>;
  /**
   * Claims due messages for delivery. Runs under a transaction-scoped advisory lock, so drainers
   * in several instances decide one after another and the mail limits count every claim; mail
   * rows pass through `decide` with the counts of the last `windowMs`.
   */
  claim(options: { batch: number; now: Date; windowMs: number; staleMs: number; decide: (row: OutboxRow, counts: MailCounts) => ClaimDecision }): Promise<OutboxRow[]>;
  /** Sent mail keeps its row for the limits, without the body (it may hold a login link). */
  markDone(id: string, now: Date, options: { clearPayload: boolean }): Promise<void>;
  markRetry(id: string, runAfter: Date, error: string): Promise<void>;
  markFailed(id: string, now: Date, error: string): Promise<void>;
  /** Finished rows older than `before` (sent, failed, suppressed). */
  prune(before: Date): Promise<number>;
  pendingCount(): Promise<number>;
}

// Any constant distinct from the other advisory locks of the app (migrations use their own).
const CLAIM_LOCK = 7_426_001;

const rowSelect = { id: true, kind: true, payload: true, recipient: true, senderId: true, category: true, attempts: true, requestId: true } as const;

function toRow(row: Prisma.OutboxMessageGetPayload<{ select: typeof rowSelect }>): OutboxRow {
  return { ...row, payload: row.payload as JsonValue, id: row.id.toString(), kind: row.kind === 'purge' ? 'purge' : 'mail' };
}

/** Enqueue only: the form every transaction-bound repository set carries. */
export type OutboxWriter = Pick<OutboxRepo, 'enqueue'>;

export function createOutboxWriter(db: Client, cipher: Pick<EmailCipher, 'blindIndex'>): OutboxWriter {
  return {
    async enqueue(messages) {
      if (messages.length === 0) return;
      await db.outboxMessage.createMany({
        data: messages.map((m) => ({
          kind: m.kind,
          payload: m.payload,
          recipient: m.recipient ? cipher.blindIndex(m.recipient) : null,
          senderId: m.senderId ?? null,
          category: m.category ?? null,
          requestId: m.requestId ?? null,
          ...(m.runAfter ? { runAfter: m.runAfter } : {}),
        })),
      });
    },
  };
}

export function createOutboxRepo(db: RootClient, cipher: Pick<EmailCipher, 'blindIndex'>): OutboxRepo {
  return {
    ...createOutboxWriter(db, cipher),
    claim({ batch, now, windowMs, staleMs, decide }) {
      return db.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${CLAIM_LOCK})`;
        // A drainer that died between claiming and finishing leaves rows in 'sending': deliver
        // them again (at least once) rather than never.
        await tx.outboxMessage.updateMany({ where: { status: 'sending', claimedAt: { lt: new Date(now.getTime() - staleMs) } }, data: { status: 'pending' } });
        const due = await tx.outboxMessage.findMany({ where: { status: 'pending', runAfter: { lte: now } }, orderBy: { id: 'asc' }, take: batch, select: rowSelect });
        const since = new Date(now.getTime() - windowMs);
        const claimed: OutboxRow[] = [];
        for (const raw of due) {
          const row = toRow(raw);
          let decision: ClaimDecision = { action: 'send' };
          if (row.kind === 'mail') {
            const counted: Prisma.OutboxMessageWhereInput = { kind: 'mail', status: { in: ['sending', 'sent'] }, claimedAt: { gt: since } };
            const [toRecipient, toRecipientInCategory, fromSender, global] = [
              row.recipient === null ? 0 : await tx.outboxMessage.count({ where: { ...counted, recipient: row.recipient } }),
              row.recipient === null ? 0 : await tx.outboxMessage.count({ where: { ...counted, recipient: row.recipient, category: row.category } }),
              row.senderId === null ? 0 : await tx.outboxMessage.count({ where: { ...counted, senderId: row.senderId } }),
              await tx.outboxMessage.count({ where: counted }),
            ];
            decision = decide(row, { toRecipient, toRecipientInCategory, fromSender, global });
          }
          if (decision.action === 'defer') continue;
          if (decision.action === 'suppress') {
            await tx.outboxMessage.update({ where: { id: BigInt(row.id) }, data: { status: 'suppressed', doneAt: now, lastError: decision.reason, payload: {} } });
            continue;
          }
          await tx.outboxMessage.update({ where: { id: BigInt(row.id) }, data: { status: 'sending', claimedAt: now, attempts: { increment: 1 } } });
          claimed.push({ ...row, attempts: row.attempts + 1 });
        }
        return claimed;
      });
    },
    async markDone(id, now, { clearPayload }) {
      await db.outboxMessage.update({ where: { id: BigInt(id) }, data: { status: 'sent', doneAt: now, lastError: null, ...(clearPayload ? { payload: {} } : {}) } });
    },
    async markRetry(id, runAfter, error) {
      await db.outboxMessage.update({ where: { id: BigInt(id) }, data: { status: 'pending', runAfter, lastError: error } });
    },
    async markFailed(id, now, error) {
      await db.outboxMessage.update({ where: { id: BigInt(id) }, data: { status: 'failed', doneAt: now, lastError: error, payload: {} } });
    },
    async prune(before) {
      const result = await db.outboxMessage.deleteMany({ where: { status: { in: ['sent', 'failed', 'suppressed'] }, doneAt: { lt: before } } });
      return result.count;
    },
    pendingCount: () => db.outboxMessage.count({ where: { status: { in: ['pending', 'sending'] } } }),
  };
}
