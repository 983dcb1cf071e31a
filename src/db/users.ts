import type { PrismaClient } from './generated/client.ts';
import type { User } from './types.ts';

type Client = Pick<PrismaClient, 'user'>;

export interface NewLocalUser {
  name: string;
  email: string;
  passwordDigest: string;
  role?: string | null;
  preferredLocale?: string;
  /** Local sign-ups start unactivated; seeds and tests may create active accounts. */
  activated?: boolean;
}

export interface UsersRepo {
  findById(id: number): Promise<User | null>;
  findLocalByEmail(email: string): Promise<User | null>;
  createLocal(input: NewLocalUser): Promise<User>;
  recordLogin(id: number, at: Date): Promise<void>;
  activate(id: number, at: Date): Promise<void>;
  setPassword(id: number, passwordDigest: string): Promise<void>;
  recordActivationMail(id: number, at: Date): Promise<void>;
  count(): Promise<number>;
}

export function createUsersRepo(db: Client): UsersRepo {
  return {
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
    async recordActivationMail(id, at) {
      await db.user.update({ where: { id }, data: { activationEmailSentAt: at } });
    },
  };
}
