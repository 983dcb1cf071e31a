import type { TokenPurpose, UserToken } from '../domain/user.ts';
import { withStoreErrors } from './errors.ts';
import type { PrismaClient, UserToken as UserTokenRow } from './generated/client.ts';
import { normaliseEmail, type EmailCipher } from './email-crypto.ts';

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

// The pending address of an email change is encrypted like the account's own.
function toToken(cipher: EmailCipher, row: UserTokenRow): UserToken {
  const { newEmailCiphertext, ...rest } = row;
  return { ...rest, newEmail: newEmailCiphertext === null ? null : cipher.decrypt(newEmailCiphertext, 'user_tokens.new_email') };
}

export function createTokensRepo(db: Client, cipher: EmailCipher): TokensRepo {
  return withStoreErrors<TokensRepo>({
    async create({ newEmail, ...input }) {
      const newEmailCiphertext = newEmail == null ? null : cipher.encrypt(normaliseEmail(newEmail), 'user_tokens.new_email');
      return toToken(cipher, await db.userToken.create({ data: { ...input, newEmailCiphertext } }));
    },
    async findUsable(digest, purpose, now) {
      const row = await db.userToken.findFirst({ where: { digest, purpose, usedAt: null, expiresAt: { gt: now } } });
      return row ? toToken(cipher, row) : null;
    },
    async consume(id, now) {
      const result = await db.userToken.updateMany({ where: { id, usedAt: null }, data: { usedAt: now } });
      return result.count === 1;
    },
    async revokeAll(userId, purpose, now) {
      await db.userToken.updateMany({ where: { userId, purpose, usedAt: null }, data: { usedAt: now } });
    },
  });
}
