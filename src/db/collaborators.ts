import type { CollaboratorRecord } from '../domain/project.ts';
import type { EmailCipher } from './email-crypto.ts';
import { withStoreErrors } from './errors.ts';
import type { PrismaClient } from './generated/client.ts';

type Client = Pick<PrismaClient, 'additionalRight' | '$queryRaw'>;

export interface CollaboratorsRepo {
  /** Oldest first, so the list reads in the order people joined. */
  list(projectId: number): Promise<CollaboratorRecord[]>;
  /**
   * Locks the live project row until the transaction ends, so concurrent collaborator changes
   * are applied one after the other and each history entry shows the true before/after lists.
   * Returns false when the project does not exist or is soft-deleted.
   */
  lockProject(projectId: number): Promise<boolean>;
  /** False when the user already had rights (the unique index decides, so races cannot duplicate). */
  add(projectId: number, userId: number, at: Date): Promise<boolean>;
  /** False when there was nothing to remove. */
  remove(projectId: number, userId: number): Promise<boolean>;
}

export function createCollaboratorsRepo(db: Client, cipher: EmailCipher): CollaboratorsRepo {
  return withStoreErrors<CollaboratorsRepo>({
    async list(projectId) {
      const rows = await db.additionalRight.findMany({
        where: { projectId },
        orderBy: [{ createdAt: 'asc' }, { userId: 'asc' }],
        include: { user: { select: { name: true, nickname: true, emailCiphertext: true, blocked: true } } },
      });
      return rows.map((r) => ({
        userId: r.userId,
        name: r.user.name,
        nickname: r.user.nickname,
        email: r.user.emailCiphertext === null ? null : cipher.decrypt(r.user.emailCiphertext, 'users.email'),
        blocked: r.user.blocked,
        addedAt: r.createdAt,
      }));
    },
    async lockProject(projectId) {
      const rows = await db.$queryRaw<{ id: number }[]>`SELECT id FROM projects WHERE id = ${projectId} AND deleted_at IS NULL FOR UPDATE`;
      return rows.length === 1;
    },
    async add(projectId, userId, at) {
      // ON CONFLICT DO NOTHING instead of catching a unique violation: a failed statement would
      // abort the surrounding transaction.
      const result = await db.additionalRight.createMany({
        data: [{ projectId, userId, createdAt: at, updatedAt: at }],
        skipDuplicates: true,
      });
      return result.count === 1;
    },
    async remove(projectId, userId) {
      const result = await db.additionalRight.deleteMany({ where: { projectId, userId } });
      return result.count > 0;
    },
  });
}
