import { createHash, randomBytes } from 'node:crypto';
import type { TokenPurpose } from '../domain/user.ts';
import type { User } from '../domain/user.ts';
import type { ServiceContext } from './context.ts';

/** Links in mails carry a 256-bit random token; the database keeps only its SHA-256. */
export function digestOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export async function issueToken(
  ctx: ServiceContext,
  user: Pick<User, 'id'>,
  purpose: TokenPurpose,
  ttlMs: number,
  newEmail?: string,
): Promise<string> {
  const now = ctx.now();
  await ctx.db.tokens.revokeAll(user.id, purpose, now);
  const token = randomBytes(32).toString('base64url');
  await ctx.db.tokens.create({ userId: user.id, purpose, digest: digestOf(token), expiresAt: new Date(now.getTime() + ttlMs), newEmail: newEmail ?? null });
  return token;
}

/** Looks a token up without using it (for the confirmation page a link opens). */
export async function peekToken(ctx: ServiceContext, token: string, purpose: TokenPurpose) {
  if (!TOKEN_PATTERN.test(token)) return null;
  return ctx.db.tokens.findUsable(digestOf(token), purpose, ctx.now());
}

/** Uses a token exactly once; returns its row, or null when invalid, expired or already used. */
export async function consumeToken(ctx: ServiceContext, token: string, purpose: TokenPurpose) {
  const row = await peekToken(ctx, token, purpose);
  if (!row) return null;
  return (await ctx.db.tokens.consume(row.id, ctx.now())) ? row : null;
}
