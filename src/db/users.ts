import type { PrismaClient, User as UserRow } from './generated/client.ts';
import type { GithubIdentity, NewLocalUser, ProfileChanges, User } from '../domain/user.ts';
import { normaliseEmail, type EmailCipher } from './email-crypto.ts';
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

/** The stored columns of an address: ciphertext and blind index, both null when there is none. */
export function emailColumns(cipher: EmailCipher, address: string | null): { emailCiphertext: string | null; emailBidx: string | null } {
  if (address === null) return { emailCiphertext: null, emailBidx: null };
  const normalised = normaliseEmail(address);
  return { emailCiphertext: cipher.encrypt(normalised, 'users.email'), emailBidx: cipher.blindIndex(normalised) };
}

/** The entity with its address decrypted; neither stored form leaves src/db. */
export function toUser(cipher: EmailCipher, row: UserRow): User {
  const rest: Partial<Pick<UserRow, 'emailCiphertext' | 'emailBidx'>> & Omit<UserRow, 'emailCiphertext' | 'emailBidx'> = { ...row };
  delete rest.emailCiphertext;
  delete rest.emailBidx;
  return { ...rest, email: row.emailCiphertext === null ? null : cipher.decrypt(row.emailCiphertext, 'users.email') };
}

export function createUsersRepo(db: Client, cipher: EmailCipher): UsersRepo {
  const entity = (row: UserRow) => toUser(cipher, row);
  const orNull = (row: UserRow | null) => (row ? entity(row) : null);
  return withStoreErrors<UsersRepo>({
    findById: async (id) => orNull(await db.user.findUnique({ where: { id } })),
    findLocalByEmail: async (email) =>
      orNull(await db.user.findUnique({ where: { provider_emailBidx: { provider: 'local', emailBidx: cipher.blindIndex(email) } } })),
    createLocal: async (input) =>
      entity(await db.user.create({
        data: {
          provider: 'local',
          name: input.name,
          ...emailColumns(cipher, input.email),
          passwordDigest: input.passwordDigest,
          role: input.role ?? null,
          preferredLocale: input.preferredLocale ?? 'en',
          activated: input.activated ?? false,
          activatedAt: input.activated ? new Date() : null,
        },
      })),
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
    updateProfile: async (id, changes) => entity(await db.user.update({ where: { id }, data: changes })),
    async upsertGithub(identity, at) {
      const existing = await db.user.findFirst({ where: { provider: 'github', uid: identity.uid } });
      if (existing) {
        // A GitHub profile without a public address keeps the one already on record.
        const email = identity.email === null ? {} : emailColumns(cipher, identity.email);
        return entity(await db.user.update({ where: { id: existing.id }, data: { nickname: identity.nickname, ...email, lastLoginAt: at } }));
      }
      return entity(await db.user.create({
        data: {
          provider: 'github',
          uid: identity.uid,
          nickname: identity.nickname,
          name: identity.name.slice(0, 255),
          ...emailColumns(cipher, identity.email),
          activated: true,
          activatedAt: at,
          lastLoginAt: at,
        },
      }));
    },
    async setEmail(id, email) {
      await db.user.update({ where: { id }, data: emailColumns(cipher, email) });
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
