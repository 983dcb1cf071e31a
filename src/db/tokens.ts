import type { TokenPurpose, UserToken } from '../domain/user.ts';
import { withStoreErrors } from './errors.ts';
import type { PrismaClient } from './generated/client.ts';

type Client = Pick<PrismaClient, 'userToken'>;

export interface TokensRepo {
  create(input: { userId: number; purpose: TokenPurpose; digest: string; expiresAt: Date; newEmail?: string | null }): Promise<UserToken>;
  /** An unused, unexpired token of this purpose, or null. */
  findUsable(digest: string, purpose: TokenPurpose, now: Date): Promise<UserToken | null>;
  /** Marks the token used; false when another request used it first (single use under races). */
  consume(id: number, now: Date): Promise<boolean>;
  /** Retires every outstanding token of the purpose (a new link replaces older ones). */
  revokeAll(userId: number, purpose: TokenPurpose, now: Date): Promise<void>;
}

export function createTokensRepo(db: Client): TokensRepo {
  return withStoreErrors<TokensRepo>({
    create: (input) => db.userToken.create({ data: { ...input, newEmail: input.newEmail ?? null } }),
    findUsable: (digest, purpose, now) =>
      db.userToken.findFirst({ where: { digest, purpose, usedAt: null, expiresAt: { gt: now } } }),
    async consume(id, now) {
      const result = await db.userToken.updateMany({ where: { id, usedAt: null }, data: { usedAt: now } });
      return result.count === 1;
    },
    async revokeAll(userId, purpose, now) {
      await db.userToken.updateMany({ where: { userId, purpose, usedAt: null }, data: { usedAt: now } });
    },
  });
}
