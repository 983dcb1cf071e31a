import { z } from 'zod';
import type { Repositories } from '../db/client.ts';
import type { TransferRecord, TransferUser } from '../domain/transfer.ts';
import type { ProjectWithOwner } from '../domain/project.ts';
import type { User } from '../domain/user.ts';
import { can, isAdmin } from '../policies/projects.ts';
import type { ServiceContext } from './context.ts';
import { queueNotification, type NotificationMail } from './mail/index.ts';
import { recordProjectChange } from './project-changes.ts';
import { inTransaction } from './transaction.ts';
import { addError, fieldErrors, LIMITS, parseForm, refuseUnknownFields, type FieldErrors } from './validation.ts';

export type FormInput = Record<string, unknown>;

/** The form field naming the new owner: a user id ("12" or "#12") or an email address. */
export const RECIPIENT_FIELD = 'recipient';
export type TransferMode = 'offer' | 'direct';

const DAY = 24 * 60 * 60 * 1000;
const MAX_ID = 2 ** 31 - 1;

const formSchema = z.object({
  _csrf: z.string().optional(),
  [RECIPIENT_FIELD]: z
    .string({ error: 'transfers:errors.recipient_required' })
    .trim()
    .min(1, 'transfers:errors.recipient_required')
    .max(LIMITS.email, 'transfers:errors.recipient_too_long'),
  // The admin form has two submit buttons; a plain owner only ever sends "offer".
  mode: z.enum(['offer', 'direct'], { error: 'errors.invalid' }).default('offer'),
});

export interface TransferForm {
  recipient: string;
  mode: TransferMode;
}

export type ParseOutcome = { ok: true; form: TransferForm } | { ok: false; errors: FieldErrors; mode: TransferMode };

export type OfferOutcome =
  | { ok: true; mode: TransferMode; transfer: TransferRecord; mailed: boolean }
  | { ok: false; status: 409 | 422; errors: FieldErrors };

export type AnswerOutcome =
  | { ok: true; transfer: TransferRecord }
  | { ok: false; reason: 'not_open' | 'owner_changed'; transfer: TransferRecord | null };

/** Reads the form; unknown fields are refused so nothing the user typed is silently ignored. */
export function parseTransferForm(input: FormInput): ParseOutcome {
  const errors = refuseUnknownFields(input, ['_csrf', RECIPIENT_FIELD, 'mode']);
  const parsed = parseForm(formSchema, input, { errors });
  const mode: TransferMode = input.mode === 'direct' ? 'direct' : 'offer';
  if (!parsed.ok) return { ok: false, errors: parsed.errors, mode };
  return { ok: true, form: { recipient: parsed.value.recipient, mode: parsed.value.mode } };
}

/** The open offer for the project page (an overdue one is marked expired first). */
export async function pendingTransfer(ctx: ServiceContext, projectId: number): Promise<TransferRecord | null> {
  await ctx.db.transfers.expireOverdue(ctx.now(), { projectId });
  return ctx.db.transfers.pendingForProject(projectId);
}

export async function findTransfer(ctx: ServiceContext, id: number): Promise<TransferRecord | null> {
  await ctx.db.transfers.expireOverdue(ctx.now(), { id });
  return ctx.db.transfers.findById(id);
}

export async function transfersOverview(ctx: ServiceContext, userId: number): Promise<{ incoming: TransferRecord[]; outgoing: TransferRecord[] }> {
  await ctx.db.transfers.expireOverdue(ctx.now(), { userId });
  return ctx.db.transfers.pendingFor(userId);
}

type Resolution = { ok: true; user: TransferUser } | { ok: false; key: string; values?: Record<string, string | number> };

/**
 * Finds the account the owner means. User ids are public, so refusals for an id say exactly what
 * is wrong. For an email address typed by a non-admin every refusal reads the same, so the form
 * cannot be used to learn whether (or how) an address is registered.
 */
async function resolveRecipient(tx: Repositories, raw: string, detailed: boolean): Promise<Resolution> {
  const id = /^#?([1-9][0-9]{0,9})$/.exec(raw)?.[1];
  if (id !== undefined) {
    const user = Number(id) <= MAX_ID ? await tx.transfers.findUser(Number(id)) : null;
    if (!user) return { ok: false, key: 'transfers:errors.unknown_id', values: { id } };
    if (user.blocked) return { ok: false, key: 'transfers:errors.blocked', values: { id } };
    if (!user.activated) return { ok: false, key: 'transfers:errors.unactivated', values: { id } };
    return { ok: true, user };
  }
  if (!raw.includes('@') || !z.email().safeParse(raw).success) return { ok: false, key: 'transfers:errors.recipient_format' };
  const candidates = await tx.transfers.findUsersByEmail(raw);
  const usable = candidates.filter((u) => u.activated && !u.blocked);
  if (usable.length === 1) return { ok: true, user: usable[0]! };
  if (!detailed) return { ok: false, key: 'transfers:errors.email_unusable' };
  if (usable.length > 1) return { ok: false, key: 'transfers:errors.email_ambiguous' };
  const first = candidates[0];
  if (!first) return { ok: false, key: 'transfers:errors.unknown_email' };
  return { ok: false, key: first.blocked ? 'transfers:errors.blocked' : 'transfers:errors.unactivated', values: { id: first.id } };
}

function refuse(status: 409 | 422, key: string, values?: Record<string, string | number>): OfferOutcome {
  const errors = fieldErrors();
  addError(errors, status === 422 ? RECIPIENT_FIELD : 'form', key, values);
  return { ok: false, status, errors };
}

class OwnerChanged extends Error {}

/**
 * Offers the project to another user, or (mode "direct", admins) hands it over at once.
 * A new offer withdraws the previous open one; the project row is locked meanwhile so two
 * owners' tabs cannot leave two open offers behind.
 */
export async function offerTransfer(ctx: ServiceContext, actor: User, project: ProjectWithOwner, form: TransferForm): Promise<OfferOutcome> {
  const now = ctx.now();
  const action = form.mode === 'direct' ? 'transfer_direct' : 'transfer';
  // The mails are queued in the same transaction: an offer that rolls back mails nobody.
  return inTransaction(ctx, async (txCtx, tx): Promise<OfferOutcome> => {
    const ownerId = await tx.transfers.lockProject(project.id);
    const current = ownerId === null ? null : await tx.projects.findById(project.id);
    if (!current) return refuse(409, 'transfers:errors.project_gone');
    // The page was loaded for one owner; acting on a project that has since changed hands
    // would offer something the actor may no longer give away.
    if (current.userId !== project.userId || !can(actor, action, current)) return refuse(409, 'transfers:errors.owner_changed');
    const found = await resolveRecipient(tx, form.recipient, isAdmin(actor));
    if (!found.ok) return refuse(422, found.key, found.values);
    const recipient = found.user;
    if (recipient.id === current.userId) return refuse(422, 'transfers:errors.recipient_is_owner');

    if (form.mode === 'offer') {
      await tx.transfers.expireOverdue(now, { projectId: current.id });
      const open = await tx.transfers.pendingForProject(current.id);
      // Re-sending would mail the same person again; repeated clicks must not become spam.
      if (open?.toUser.id === recipient.id) return refuse(422, 'transfers:errors.already_offered', { name: recipient.name });
      await tx.transfers.cancelPendingForProject(current.id, now);
      const transfer = await tx.transfers.create({
        projectId: current.id,
        fromUserId: current.userId,
        toUserId: recipient.id,
        createdById: actor.id,
        status: 'pending',
        expiresAt: new Date(now.getTime() + ctx.config.transferOfferDays * DAY),
      });
      const mailed = await notify(txCtx, transfer.toUser.id, 'transfer_offer', {
        // The owner gives the project away, also when an admin made the offer for them.
        fromName: transfer.fromUser.name,
        projectName: projectLabel(transfer),
        url: `${ctx.config.publicUrl}/transfers/${transfer.id}`,
        expires: formatTime(transfer.expiresAt),
      }, actor.id);
      if (mailed) await tx.transfers.recordOfferMailed(transfer.id, now);
      return { ok: true, mode: 'offer', mailed, transfer: { ...transfer, offerMailedAt: mailed ? now : null } };
    }

    await tx.transfers.cancelPendingForProject(current.id, now);
    if (!(await tx.transfers.changeOwner(current.id, current.userId, recipient.id))) throw new OwnerChanged();
    await tx.transfers.removeAdditionalRight(current.id, recipient.id);
    const transfer = await tx.transfers.create({
      projectId: current.id,
      fromUserId: current.userId,
      toUserId: recipient.id,
      createdById: actor.id,
      status: 'direct',
      expiresAt: now,
      decidedAt: now,
    });
    await recordProjectChange(ctx, tx, { projectId: current.id, userId: actor.id, kind: 'transfer', changes: { user_id: [current.userId, recipient.id] }, at: now });
    const mailed = await notifyResult(txCtx, transfer, 'transfer_direct', actor.id);
    return { ok: true, mode: 'direct', transfer, mailed };
  }).catch((err: unknown) => {
    if (err instanceof OwnerChanged) return refuse(409, 'transfers:errors.owner_changed');
    throw err;
  });
}

/**
 * The recipient takes the project over: the owner changes, the old owner keeps no rights, and
 * the recipient's collaborator row (if any) goes. All of it in one transaction, and only if the
 * offer is still open and the project still belongs to the person who made it.
 */
export async function acceptTransfer(ctx: ServiceContext, actor: User, transfer: TransferRecord): Promise<AnswerOutcome> {
  const now = ctx.now();
  let result: TransferRecord | 'not_open';
  try {
    result = await inTransaction(ctx, async (txCtx, tx) => {
      if (!(await tx.transfers.decide(transfer.id, 'accepted', now, { toUserId: actor.id }))) return 'not_open';
      if (!(await tx.transfers.changeOwner(transfer.projectId, transfer.fromUser.id, actor.id))) throw new OwnerChanged();
      await tx.transfers.removeAdditionalRight(transfer.projectId, actor.id);
      await recordProjectChange(ctx, tx, { projectId: transfer.projectId, userId: actor.id, kind: 'transfer', changes: { user_id: [transfer.fromUser.id, actor.id] }, at: now });
      const accepted = (await tx.transfers.findById(transfer.id)) ?? transfer;
      await notifyResult(txCtx, accepted, 'transfer_accepted', actor.id);
      return accepted;
    });
  } catch (err) {
    if (!(err instanceof OwnerChanged)) throw err;
    // The offer was about an owner who no longer owns the project (or the entry was deleted):
    // it can never be accepted, so it is withdrawn rather than left open.
    await ctx.db.transfers.decide(transfer.id, 'cancelled', now);
    return { ok: false, reason: 'owner_changed', transfer: await ctx.db.transfers.findById(transfer.id) };
  }
  if (result === 'not_open') return { ok: false, reason: 'not_open', transfer: await findTransfer(ctx, transfer.id) };
  return { ok: true, transfer: result };
}

/** The recipient says no; the owner stays and is told. */
export async function declineTransfer(ctx: ServiceContext, actor: User, transfer: TransferRecord): Promise<AnswerOutcome> {
  const now = ctx.now();
  const declined = await inTransaction(ctx, async (txCtx, tx) => {
    if (!(await tx.transfers.decide(transfer.id, 'declined', now, { toUserId: actor.id }))) return null;
    const row = (await tx.transfers.findById(transfer.id)) ?? transfer;
    const mailed = await notify(txCtx, row.fromUser.id, 'transfer_declined', {
      toName: row.toUser.name,
      projectName: projectLabel(row),
      url: `${ctx.config.publicUrl}/projects/${row.projectId}`,
    }, actor.id);
    if (mailed) await tx.transfers.recordResultMailed(row.id, now);
    return row;
  });
  if (!declined) return { ok: false, reason: 'not_open', transfer: await findTransfer(ctx, transfer.id) };
  return { ok: true, transfer: declined };
}

/** Withdraws the named open offer of the project; false when it was not open (any more). */
export async function cancelTransfer(ctx: ServiceContext, project: Pick<ProjectWithOwner, 'id'>, transferId: number): Promise<boolean> {
  const transfer = await findTransfer(ctx, transferId);
  if (transfer?.projectId !== project.id || transfer.status !== 'pending') return false;
  return ctx.db.transfers.decide(transfer.id, 'cancelled', ctx.now());
}

/** Whether the offer can still be answered (status pending and not past its expiry). */
export function isOpen(ctx: Pick<ServiceContext, 'now'>, transfer: TransferRecord): boolean {
  return transfer.status === 'pending' && transfer.expiresAt > ctx.now() && !transfer.project.deleted;
}

/** Both parties learn about a completed hand-over; resultMailedAt records that someone was told. */
async function notifyResult(ctx: ServiceContext, transfer: TransferRecord, kind: 'transfer_accepted' | 'transfer_direct', actorId: number): Promise<boolean> {
  const values = {
    fromName: transfer.fromUser.name,
    toName: transfer.toUser.name,
    projectName: projectLabel(transfer),
    url: `${ctx.config.publicUrl}/projects/${transfer.projectId}`,
  };
  // One after the other: both run on the same transaction's connection.
  const toOldOwner = await notify(ctx, transfer.fromUser.id, kind, values, actorId);
  const toNewOwner = await notify(ctx, transfer.toUser.id, kind, values, actorId);
  const mailed = toOldOwner || toNewOwner;
  if (mailed) await ctx.db.transfers.recordResultMailed(transfer.id, ctx.now());
  return mailed;
}

/** Queues the notice with the change (call with the transaction's context); false when the user gets none. */
async function notify(ctx: ServiceContext, userId: number, kind: NotificationMail, values: Record<string, string>, senderId: number): Promise<boolean> {
  const user = await ctx.db.transfers.findUser(userId);
  if (!user || user.blocked) return false;
  return queueNotification(ctx, user, kind, values, senderId === userId ? null : senderId);
}

/** A one-line name for mail subjects: user text may contain line breaks. */
function projectLabel(transfer: TransferRecord): string {
  const p = transfer.project;
  return (p.name ?? p.repoUrl ?? p.homepageUrl ?? `#${p.id}`).replace(/\s+/g, ' ').trim();
}

function formatTime(d: Date): string {
  return `${d.toISOString().replace('T', ' ').slice(0, 16)} UTC`;
}
