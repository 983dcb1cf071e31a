import type { Prisma, PrismaClient } from './generated/client.ts';
import type { NewTransfer, TransferDecision, TransferRecord, TransferStatus, TransferUser } from '../domain/transfer.ts';
import type { EmailCipher } from './email-crypto.ts';
import { withStoreErrors } from './errors.ts';

type Client = Pick<PrismaClient, 'ownershipTransfer' | 'project' | 'additionalRight' | 'user' | '$queryRaw'>;

export interface TransfersRepo {
  findById(id: number): Promise<TransferRecord | null>;
  /** The open offer for a project, if any. */
  pendingForProject(projectId: number): Promise<TransferRecord | null>;
  /** Open offers made to the user (incoming) and offers the user made or owns the project of (outgoing). */
  pendingFor(userId: number): Promise<{ incoming: TransferRecord[]; outgoing: TransferRecord[] }>;
  /**
   * Marks overdue pending offers as expired. Expiry is applied lazily before reads, so no
   * scheduler is needed and an overdue offer is never shown as open.
   */
  expireOverdue(now: Date, scope: { id?: number; projectId?: number; userId?: number }): Promise<void>;
  /**
   * Locks the live project row until the transaction ends and returns its owner id (null when the
   * project is gone or soft-deleted). Serialises competing offers for one project.
   */
  lockProject(projectId: number): Promise<number | null>;
  create(input: NewTransfer): Promise<TransferRecord>;
  /**
   * Moves a pending, unexpired offer to a decision. Returns false when it is no longer pending
   * (decided, cancelled or expired in the meantime), so a double click cannot decide twice.
   */
  decide(id: number, decision: TransferDecision, now: Date, options?: { toUserId?: number }): Promise<boolean>;
  /** Cancels every pending offer for the project (a new offer or a direct transfer replaces them). */
  cancelPendingForProject(projectId: number, now: Date): Promise<number>;
  /**
   * Changes the owner only if the project is live and still owned by `fromUserId`; false when the
   * owner changed meanwhile. updated_at is left alone: the entry's content did not change, and
   * inactivity reminders go by that timestamp.
   */
  changeOwner(projectId: number, fromUserId: number, toUserId: number): Promise<boolean>;
  /** A new owner needs no collaborator row; keeping it would list them twice. */
  removeAdditionalRight(projectId: number, userId: number): Promise<void>;
  recordOfferMailed(id: number, at: Date): Promise<void>;
  recordResultMailed(id: number, at: Date): Promise<void>;
  findUser(id: number): Promise<TransferUser | null>;
  /** Every account using the address, from any provider (GitHub and local accounts may share one). */
  findUsersByEmail(email: string): Promise<TransferUser[]>;
}

const userFields = { id: true, name: true, emailCiphertext: true, activated: true, blocked: true, preferredLocale: true, notificationEmails: true } as const;

const withParties = {
  project: { select: { id: true, name: true, repoUrl: true, homepageUrl: true, userId: true, deletedAt: true } },
  fromUser: { select: { id: true, name: true } },
  toUser: { select: { id: true, name: true } },
} as const;

type Row = Prisma.OwnershipTransferGetPayload<{ include: typeof withParties }>;

const STATUSES = new Set<string>(['pending', 'accepted', 'declined', 'cancelled', 'expired', 'direct']);

function toRecord(row: Row): TransferRecord {
  const { deletedAt, ...project } = row.project;
  return {
    id: row.id,
    projectId: row.projectId,
    project: { ...project, deleted: deletedAt !== null },
    fromUser: row.fromUser,
    toUser: row.toUser,
    createdById: row.createdById,
    // The column is free text; an unexpected value is shown as cancelled, which offers no action.
    status: STATUSES.has(row.status) ? (row.status as TransferStatus) : 'cancelled',
    expiresAt: row.expiresAt,
    decidedAt: row.decidedAt,
    offerMailedAt: row.offerMailedAt,
    resultMailedAt: row.resultMailedAt,
    createdAt: row.createdAt,
  };
}

type UserFieldsRow = Prisma.UserGetPayload<{ select: typeof userFields }>;

export function createTransfersRepo(db: Client, cipher: EmailCipher): TransfersRepo {
  const toTransferUser = ({ emailCiphertext, ...user }: UserFieldsRow): TransferUser => ({
    ...user,
    email: emailCiphertext === null ? null : cipher.decrypt(emailCiphertext, 'users.email'),
  });
  return withStoreErrors<TransfersRepo>({
    async findById(id) {
      const row = await db.ownershipTransfer.findUnique({ where: { id }, include: withParties });
      return row ? toRecord(row) : null;
    },
    async pendingForProject(projectId) {
      const row = await db.ownershipTransfer.findFirst({
        where: { projectId, status: 'pending' },
        orderBy: { id: 'desc' },
        include: withParties,
      });
      return row ? toRecord(row) : null;
    },
    async pendingFor(userId) {
      const live = { status: 'pending', project: { deletedAt: null } } as const;
      const [incoming, outgoing] = await Promise.all([
        db.ownershipTransfer.findMany({ where: { ...live, toUserId: userId }, orderBy: { id: 'desc' }, include: withParties }),
        db.ownershipTransfer.findMany({
          where: { ...live, OR: [{ fromUserId: userId }, { createdById: userId }] },
          orderBy: { id: 'desc' },
          include: withParties,
        }),
      ]);
      return { incoming: incoming.map(toRecord), outgoing: outgoing.map(toRecord) };
    },
    async expireOverdue(now, scope) {
      const where: Prisma.OwnershipTransferWhereInput = { status: 'pending', expiresAt: { lte: now } };
      if (scope.id !== undefined) where.id = scope.id;
      if (scope.projectId !== undefined) where.projectId = scope.projectId;
      if (scope.userId !== undefined) where.OR = [{ toUserId: scope.userId }, { fromUserId: scope.userId }, { createdById: scope.userId }];
      await db.ownershipTransfer.updateMany({ where, data: { status: 'expired' } });
    },
    async lockProject(projectId) {
      const rows = await db.$queryRaw<{ user_id: number }[]>`
        SELECT user_id FROM projects WHERE id = ${projectId} AND deleted_at IS NULL FOR UPDATE`;
      return rows[0]?.user_id ?? null;
    },
    async create(input) {
      const row = await db.ownershipTransfer.create({ data: { ...input, decidedAt: input.decidedAt ?? null }, include: withParties });
      return toRecord(row);
    },
    async decide(id, decision, now, options = {}) {
      const where: Prisma.OwnershipTransferWhereInput = { id, status: 'pending' };
      // Only acceptance is refused after expiry; withdrawing or declining a stale offer is harmless.
      if (decision === 'accepted') where.expiresAt = { gt: now };
      if (options.toUserId !== undefined) where.toUserId = options.toUserId;
      const result = await db.ownershipTransfer.updateMany({ where, data: { status: decision, decidedAt: now } });
      return result.count === 1;
    },
    async cancelPendingForProject(projectId, now) {
      const result = await db.ownershipTransfer.updateMany({
        where: { projectId, status: 'pending' },
        data: { status: 'cancelled', decidedAt: now },
      });
      return result.count;
    },
    async changeOwner(projectId, fromUserId, toUserId) {
      const result = await db.project.updateMany({
        where: { id: projectId, userId: fromUserId, deletedAt: null },
        data: { userId: toUserId },
      });
      return result.count === 1;
    },
    async removeAdditionalRight(projectId, userId) {
      await db.additionalRight.deleteMany({ where: { projectId, userId } });
    },
    async recordOfferMailed(id, at) {
      await db.ownershipTransfer.update({ where: { id }, data: { offerMailedAt: at } });
    },
    async recordResultMailed(id, at) {
      await db.ownershipTransfer.update({ where: { id }, data: { resultMailedAt: at } });
    },
    async findUser(id) {
      const row = await db.user.findUnique({ where: { id }, select: userFields });
      return row ? toTransferUser(row) : null;
    },
    async findUsersByEmail(email) {
      // The blind index is the same for every provider, so one look-up finds them all.
      const rows = await db.user.findMany({ where: { emailBidx: cipher.blindIndex(email) }, select: userFields, orderBy: { id: 'asc' }, take: 10 });
      return rows.map(toTransferUser);
    },
  });
}
