import { ANONYMISED_NAME, type AdminUserRow, type ChangeRow, type DeletedProjectRow, type Page, type PageRequest } from '../domain/admin.ts';
import type { EmailCipher } from './email-crypto.ts';
import { withStoreErrors } from './errors.ts';
import type { Prisma, PrismaClient } from './generated/client.ts';

type Client = Pick<PrismaClient, 'user' | 'project' | 'projectChange' | 'additionalRight' | 'userToken' | 'ownershipTransfer'>;

export interface AdminRepo {
  /** `q` matches a name substring or an exact email, both case-insensitively. */
  listUsers(q: string | undefined, page: PageRequest): Promise<Page<AdminUserRow>>;
  findUser(id: number): Promise<AdminUserRow | null>;
  setBlocked(id: number, blocked: boolean, rationale: string | null): Promise<void>;
  liveProjectIds(userId: number): Promise<number[]>;
  /** Soft-deleted projects still reference their owner (projects.user_id is ON DELETE RESTRICT). */
  ownsAnyProjectRow(userId: number): Promise<boolean>;
  /** Returns false when the project was already deleted (or does not exist). */
  softDeleteProject(id: number, byId: number, rationale: string, at: Date): Promise<boolean>;
  /** Returns false when the project is not soft-deleted. */
  restoreProject(id: number, at: Date): Promise<boolean>;
  deletedProjects(since: Date, page: PageRequest): Promise<Page<DeletedProjectRow>>;
  /** Hard-deletes projects soft-deleted before the cutoff; returns how many went. */
  purgeDeletedBefore(cutoff: Date): Promise<number>;
  recentChanges(kind: string | undefined, page: PageRequest): Promise<Page<ChangeRow>>;
  deleteUser(id: number): Promise<void>;
  anonymiseUser(id: number, rationale: string): Promise<void>;
}

const userSelect = {
  id: true,
  name: true,
  provider: true,
  emailCiphertext: true,
  activated: true,
  blocked: true,
  blockedRationale: true,
  role: true,
  createdAt: true,
  lastLoginAt: true,
} as const satisfies Prisma.UserSelect;

type UserRow = Prisma.UserGetPayload<{ select: typeof userSelect }>;

function userWhere(cipher: EmailCipher, q: string | undefined): Prisma.UserWhereInput {
  if (!q) return {};
  // Addresses are found only through their blind index, which normalises case itself.
  return { OR: [{ name: { contains: escapeLike(q), mode: 'insensitive' } }, { emailBidx: cipher.blindIndex(q) }] };
}

// Prisma passes `contains` straight into LIKE, so % and _ typed by an admin would act as wildcards.
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export function createAdminRepo(db: Client, cipher: EmailCipher): AdminRepo {
  async function withProjectCounts(rows: UserRow[]): Promise<AdminUserRow[]> {
    const ids = rows.map((r) => r.id);
    const counts = ids.length
      ? await db.project.groupBy({ by: ['userId', 'deletedAt'], where: { userId: { in: ids } }, _count: { _all: true } })
      : [];
    return rows.map(({ emailCiphertext, ...row }) => {
      const email = emailCiphertext === null ? null : cipher.decrypt(emailCiphertext, 'users.email');
      let live = 0;
      let deleted = 0;
      for (const c of counts) {
        if (c.userId !== row.id) continue;
        if (c.deletedAt === null) live += c._count._all;
        else deleted += c._count._all;
      }
      return { ...row, email, projectCount: live, deletedProjectCount: deleted };
    });
  }

  return withStoreErrors<AdminRepo>({
    async listUsers(q, { page, perPage }) {
      const where = userWhere(cipher, q);
      const [rows, total] = await Promise.all([
        db.user.findMany({ where, select: userSelect, orderBy: { id: 'asc' }, skip: (page - 1) * perPage, take: perPage }),
        db.user.count({ where }),
      ]);
      return { rows: await withProjectCounts(rows), total };
    },
    async findUser(id) {
      const row = await db.user.findUnique({ where: { id }, select: userSelect });
      return row ? ((await withProjectCounts([row]))[0] ?? null) : null;
    },
    async setBlocked(id, blocked, rationale) {
      await db.user.update({ where: { id }, data: { blocked, blockedRationale: rationale } });
    },
    async liveProjectIds(userId) {
      const rows = await db.project.findMany({ where: { userId, deletedAt: null }, select: { id: true }, orderBy: { id: 'asc' } });
      return rows.map((r) => r.id);
    },
    async ownsAnyProjectRow(userId) {
      return (await db.project.count({ where: { userId } })) > 0;
    },
    async softDeleteProject(id, byId, rationale, at) {
      const result = await db.project.updateMany({
        where: { id, deletedAt: null },
        // lock_version moves so an edit form opened before the deletion cannot save over it later.
        data: { deletedAt: at, deletedById: byId, deletionRationale: rationale, lockVersion: { increment: 1 } },
      });
      return result.count === 1;
    },
    async restoreProject(id, at) {
      const result = await db.project.updateMany({
        where: { id, deletedAt: { not: null } },
        data: { deletedAt: null, deletedById: null, deletionRationale: null, lockVersion: { increment: 1 }, updatedAt: at },
      });
      return result.count === 1;
    },
    async deletedProjects(since, { page, perPage }) {
      const where = { deletedAt: { gte: since } } satisfies Prisma.ProjectWhereInput;
      const [rows, total] = await Promise.all([
        db.project.findMany({
          where,
          orderBy: [{ deletedAt: 'desc' }, { id: 'desc' }],
          skip: (page - 1) * perPage,
          take: perPage,
          select: {
            id: true,
            name: true,
            repoUrl: true,
            homepageUrl: true,
            deletedAt: true,
            deletedById: true,
            deletionRationale: true,
            user: { select: { id: true, name: true } },
          },
        }),
        db.project.count({ where }),
      ]);
      // deleted_by_id has no foreign key (the deleter may be removed later), so names are looked up.
      const deleterIds = [...new Set(rows.flatMap((r) => (r.deletedById === null ? [] : [r.deletedById])))];
      const deleters = deleterIds.length
        ? await db.user.findMany({ where: { id: { in: deleterIds } }, select: { id: true, name: true } })
        : [];
      const byId = new Map(deleters.map((u) => [u.id, u]));
      return {
        total,
        rows: rows.map((r) => ({
          id: r.id,
          name: r.name,
          repoUrl: r.repoUrl,
          homepageUrl: r.homepageUrl,
          owner: r.user,
          deletedAt: r.deletedAt ?? since,
          deletedBy: r.deletedById === null ? null : (byId.get(r.deletedById) ?? null),
          deletionRationale: r.deletionRationale,
        })),
      };
    },
    async purgeDeletedBefore(cutoff) {
      // Collaborators, transfers and history rows go with the project (ON DELETE CASCADE).
      const result = await db.project.deleteMany({ where: { deletedAt: { lt: cutoff } } });
      return result.count;
    },
    async recentChanges(kind, { page, perPage }) {
      const where: Prisma.ProjectChangeWhereInput = kind ? { kind } : {};
      const [rows, total] = await Promise.all([
        db.projectChange.findMany({
          where,
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
          skip: (page - 1) * perPage,
          take: perPage,
          include: {
            project: { select: { id: true, name: true, deletedAt: true } },
            user: { select: { id: true, name: true } },
          },
        }),
        db.projectChange.count({ where }),
      ]);
      return {
        total,
        rows: rows.map((r) => ({
          id: r.id,
          project: { id: r.project.id, name: r.project.name, deleted: r.project.deletedAt !== null },
          user: r.user,
          kind: r.kind,
          fields: changedFields(r.changes),
          createdAt: r.createdAt,
        })),
      };
    },
    async deleteUser(id) {
      // Collaborator rows, tokens and transfer offers cascade; history rows keep the change with a null user.
      await db.user.delete({ where: { id } });
    },
    async anonymiseUser(id, rationale) {
      await db.additionalRight.deleteMany({ where: { userId: id } });
      await db.userToken.deleteMany({ where: { userId: id } });
      await db.ownershipTransfer.deleteMany({ where: { OR: [{ fromUserId: id }, { toUserId: id }], status: 'pending' } });
      await db.user.update({
        where: { id },
        data: {
          name: ANONYMISED_NAME,
          nickname: null,
          emailCiphertext: null,
          emailBidx: null,
          uid: null,
          passwordDigest: null,
          role: null,
          activated: false,
          blocked: true,
          blockedRationale: rationale,
          notificationEmails: false,
          importantNotifications: false,
        },
      });
    },
  });
}

function changedFields(changes: Prisma.JsonValue): string[] {
  if (changes === null || typeof changes !== 'object' || Array.isArray(changes)) return [];
  return Object.keys(changes).sort();
}
