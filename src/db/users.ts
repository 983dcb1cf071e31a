import type { PrismaClient } from './generated/client.ts';
import type { User } from './types.ts';

type Client = Pick<PrismaClient, 'user'>;

export interface NewLocalUser {
  name: string;
  email: string;
  passwordDigest: string;
  role?: string | null;
  preferredLocale?: string;
}

export interface UsersRepo {
  findById(id: number): Promise<User | null>;
  findLocalByEmail(email: string): Promise<User | null>;
  createLocal(input: NewLocalUser): Promise<User>;
  recordLogin(id: number, at: Date): Promise<void>;
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
          // Activation by email arrives with the full account feature set; until then a
          // local sign-up is usable at once.
          activated: true,
          activatedAt: new Date(),
        },
      }),
    async recordLogin(id, at) {
      await db.user.update({ where: { id }, data: { lastLoginAt: at } });
    },
    count: () => db.user.count(),
  };
}
