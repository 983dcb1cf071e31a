import type { PrismaClient } from './generated/client.ts';
import type { GithubIdentity, NewLocalUser, ProfileChanges, User } from '../domain/user.ts';
import { withStoreErrors } from './errors.ts';

type Client = Pick<PrismaClient, 'user'>;

export interface UsersRepo {
  findById(id: number): Promise<User | null>;
  findLocalByEmail(email: string): Promise<User | null>;
  createLocal(input: NewLocalUser): Promise<User>;
  recordLogin(id: number, at: Date): Promise<void>;
  activate(id: number, at: Date): Promise<void>;
  setPassword(id: number, passwordDigest: string): Promise<void>;
  recordActivationMail(id: number, at: Date): Promise<void>;
  updateProfile(id: number, changes: ProfileChanges): Promise<User>;
  /** The account for a GitHub identity, created on first login; nickname and email follow GitHub. */
  upsertGithub(identity: GithubIdentity, at: Date): Promise<User>;
  setEmail(id: number, email: string): Promise<void>;
  /** Deletes never-activated local accounts created before the cutoff that own and edit nothing. */
  purgeUnactivated(createdBefore: Date): Promise<number>;
  /** Opt out of notification mail (unsubscribe link); returns whether anything changed. */
  disableNotifications(id: number): Promise<boolean>;
  count(): Promise<number>;
}

export function createUsersRepo(db: Client): UsersRepo {
  return withStoreErrors<UsersRepo>({
    findById: (id) => db.user.findUnique({ where: { id } }),
    findLocalByEmail: (email) =>
      db.user.findUnique({ where: { provider_email: { provider: 'local', email: email.toLowerCase() } } }),
    createLocal: (input) =>
      db.user.create({
        data: {
          provider: 'local',
          name: input.name,
          email: input.email.toLowerCase(),
          passwordDigest: input.passwordDigest,
          role: input.role ?? null,
          preferredLocale: input.preferredLocale ?? 'en',
          activated: input.activated ?? false,
          activatedAt: input.activated ? new Date() : null,
        },
      }),
    async recordLogin(id, at) {
      await db.user.update({ where: { id }, data: { lastLoginAt: at } });
    },
    count: () => db.user.count(),
    async activate(id, at) {
      await db.user.update({ where: { id }, data: { activated: true, activatedAt: at } });
    },
    async setPassword(id, passwordDigest) {
      await db.user.update({ where: { id }, data: { passwordDigest } });
    },
    updateProfile: (id, changes) => db.user.update({ where: { id }, data: changes }),
    async upsertGithub(identity, at) {
      const existing = await db.user.findFirst({ where: { provider: 'github', uid: identity.uid } });
      const email = identity.email?.toLowerCase() ?? null;
      if (existing) {
        return db.user.update({ where: { id: existing.id }, data: { nickname: identity.nickname, email: email ?? existing.email, lastLoginAt: at } });
      }
      return db.user.create({
        data: {
          provider: 'github',
          uid: identity.uid,
          nickname: identity.nickname,
          name: identity.name.slice(0, 255),
          email,
          activated: true,
          activatedAt: at,
          lastLoginAt: at,
        },
      });
    },
    async setEmail(id, email) {
      await db.user.update({ where: { id }, data: { email: email.toLowerCase() } });
    },
    async purgeUnactivated(createdBefore) {
      const result = await db.user.deleteMany({
        where: { provider: 'local', activated: false, createdAt: { lt: createdBefore }, projects: { none: {} }, additionalRights: { none: {} } },
      });
      return result.count;
    },
    async disableNotifications(id) {
      const result = await db.user.updateMany({ where: { id, notificationEmails: true }, data: { notificationEmails: false } });
      return result.count === 1;
    },
    async recordActivationMail(id, at) {
      await db.user.update({ where: { id }, data: { activationEmailSentAt: at } });
    },
  });
}
