import type { Repositories } from '../db/client.ts';
import type { ClaimDecision, JsonValue, MailCounts, OutboxRow } from '../db/outbox.ts';
import { currentRequestId } from '../request-context.ts';
import type { ServiceContext } from './context.ts';
import type { MailMessage } from './mail/transport.ts';
import { drainJobs, startPollingWorker, type PollingWorker } from './polling-worker.ts';

/**
 * Side effects leave through the outbox: a use-case writes the mail or purge into the same
 * transaction as the change it reports (so a rolled-back change sends nothing), and the drainer
 * below delivers it after commit (so a crash after commit still delivers, at least once).
 */

/** Which hourly limit a mail counts against; account mail has no sender, notifications do. */
export type MailCategory = 'account' | 'password_reset' | 'notification';

const HOUR_MS = 60 * 60 * 1000;
// A claim older than this belongs to a drainer that died mid-delivery.
const STALE_CLAIM_MS = 10 * 60 * 1000;
const BATCH = 20;

type OutboxTx = Pick<Repositories, 'outbox'>;

export async function queueMail(tx: OutboxTx, message: MailMessage, meta: { category: MailCategory; senderId?: number | null }): Promise<void> {
  await tx.outbox.enqueue([
    {
      kind: 'mail',
      payload: { to: message.to, subject: message.subject, text: message.text, headers: message.headers ?? {} },
      recipient: message.to.trim().toLowerCase(),
      senderId: meta.senderId ?? null,
      category: meta.category,
      requestId: currentRequestId() ?? null,
    },
  ]);
}

/**
 * Purges the keys now and once more after the configured delay: a CDN that refetched between
 * the first purge and a lagging read replica would otherwise keep the old answer for days.
 */
export async function queuePurge(ctx: Pick<ServiceContext, 'config' | 'now'>, tx: OutboxTx, keys: readonly string[]): Promise<void> {
  if (!ctx.config.cdn || keys.length === 0) return;
  const now = ctx.now();
  const requestId = currentRequestId() ?? null;
  const payload = { keys: [...new Set(keys)] };
  await tx.outbox.enqueue([
    { kind: 'purge', payload, requestId, runAfter: now },
    { kind: 'purge', payload, requestId, runAfter: new Date(now.getTime() + ctx.config.cdn.delaySeconds * 1000) },
  ]);
}

/** The mail limits of the configuration, applied to one claimed mail. */
export function mailDecision(limits: ServiceContext['config']['mailLimits'], row: Pick<OutboxRow, 'category'>, counts: MailCounts): ClaimDecision {
  if (counts.global >= limits.global) return { action: 'defer' };
  if (row.category === 'password_reset' && counts.toRecipientInCategory >= limits.resetPerAddress) return { action: 'suppress', reason: 'password reset mail limit per address' };
  if (counts.toRecipient >= limits.perRecipient) return { action: 'suppress', reason: 'mail limit per recipient' };
  if (counts.fromSender >= limits.perSender) return { action: 'suppress', reason: 'mail limit per sender' };
  return { action: 'send' };
}

function isObject(value: JsonValue): value is Record<string, JsonValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mailOf(payload: JsonValue): MailMessage {
  if (!isObject(payload) || typeof payload.to !== 'string' || typeof payload.subject !== 'string' || typeof payload.text !== 'string') throw new Error('malformed mail payload');
  const headers: Record<string, string> = {};
  if (isObject(payload.headers ?? null)) for (const [k, v] of Object.entries(payload.headers as Record<string, JsonValue>)) if (typeof v === 'string') headers[k] = v;
  return { to: payload.to, subject: payload.subject, text: payload.text, headers };
}

function keysOf(payload: JsonValue): string[] {
  const keys = isObject(payload) ? payload.keys : undefined;
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string')) throw new Error('malformed purge payload');
  return keys;
}

/** Exponential back-off: 30 s, 1 min, 2 min, ... capped at one hour. */
export function retryDelayMs(attempts: number): number {
  return Math.min(HOUR_MS, 30_000 * 2 ** Math.max(0, attempts - 1));
}

export interface DrainResult {
  delivered: number;
  retried: number;
  failed: number;
}

async function deliver(ctx: ServiceContext, row: OutboxRow): Promise<void> {
  if (row.kind === 'purge') {
    // Purging was switched off after the row was written: nothing is cached to purge.
    if (!ctx.cdn) return;
    await ctx.cdn.purge(keysOf(row.payload));
    ctx.logger.info('cdn purged', { keys: keysOf(row.payload).length });
    return;
  }
  await ctx.mailer.send(mailOf(row.payload));
}

/**
 * Delivers every due message (bounded per call). Each row is finished on its own: a failure is
 * retried later with back-off, and after the last attempt it is marked failed and logged at
 * error level; it never blocks the others.
 */
export async function drainOutbox(ctx: ServiceContext, maxBatches = 10): Promise<DrainResult> {
  const result: DrainResult = { delivered: 0, retried: 0, failed: 0 };
  let globalCapLogged = false;
  await drainJobs(result, {
    maxBatches,
    batch: BATCH,
    maxAttempts: ctx.config.outbox.maxAttempts,
    claim: () =>
      ctx.db.outbox.claim({
        batch: BATCH,
        now: ctx.now(),
        windowMs: HOUR_MS,
        staleMs: STALE_CLAIM_MS,
        decide: (row, counts) => {
          const decision = mailDecision(ctx.config.mailLimits, row, counts);
          if (decision.action === 'defer' && !globalCapLogged) {
            globalCapLogged = true;
            ctx.logger.error('hourly mail limit reached: mail is held back', { limit: ctx.config.mailLimits.global });
          }
          if (decision.action === 'suppress') ctx.logger.warn('mail suppressed by a limit', { outboxId: row.id, category: row.category, reason: decision.reason });
          return decision;
        },
      }),
    async run(row) {
      await deliver(ctx, row);
      await ctx.db.outbox.markDone(row.id, ctx.now(), { clearPayload: row.kind === 'mail' });
      result.delivered++;
    },
    async giveUp(row, error) {
      await ctx.db.outbox.markFailed(row.id, ctx.now(), error);
      ctx.logger.error(row.kind === 'purge' ? 'cdn purge failed' : 'mail delivery failed', { outboxId: row.id, attempts: row.attempts, error });
    },
    async retry(row, error) {
      await ctx.db.outbox.markRetry(row.id, new Date(ctx.now().getTime() + retryDelayMs(row.attempts)), error);
      // Purge failures are errors from the first attempt: stale public pages are what they cause.
      if (row.kind === 'purge') ctx.logger.error('cdn purge failed, will retry', { outboxId: row.id, attempts: row.attempts, error });
      else ctx.logger.warn('mail delivery failed, will retry', { outboxId: row.id, attempts: row.attempts, error });
    },
  });
  return result;
}

export type OutboxWorker = PollingWorker;

/**
 * Polls in every instance; the claim's advisory lock and status column make concurrent drainers
 * safe. A drain that throws (database down) is logged and retried at the next tick.
 */
export function startOutboxWorker(ctx: ServiceContext, pollMs = ctx.config.outbox.pollMs): OutboxWorker {
  return startPollingWorker({ name: 'outbox', pollMs, drain: () => drainOutbox(ctx), logger: ctx.logger });
}
