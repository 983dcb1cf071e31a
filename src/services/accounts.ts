import bcrypt from 'bcrypt';
import { z } from 'zod';
import type { User } from '../db/types.ts';
import type { ServiceContext } from './context.ts';
import { LIMITS, addError, isTextValid, type FieldErrors } from './validation.ts';

// Compared against when the email is unknown, so a failed login costs the same bcrypt time
// whether or not the account exists (no account enumeration by timing).
let dummyDigest: string | undefined;
async function dummyHash(cost: number): Promise<string> {
  dummyDigest ??= await bcrypt.hash('not-a-real-password', cost);
  return dummyDigest;
}

const signUpSchema = z.object({
  name: z.string().trim().min(1, 'errors.required').max(LIMITS.userName, 'errors.too_long').refine(isTextValid, 'errors.control_characters'),
  email: z.string().trim().max(LIMITS.email, 'errors.too_long').pipe(z.email('errors.email')),
  password: z
    .string()
    .refine((p) => Buffer.byteLength(p) >= LIMITS.passwordMinBytes, 'errors.password_short')
    .refine((p) => Buffer.byteLength(p) <= LIMITS.passwordMaxBytes, 'errors.password_long'),
  password_confirmation: z.string(),
  _csrf: z.string().optional(),
});

export type SignUpOutcome = { ok: true; user: User } | { ok: false; errors: FieldErrors };

export async function signUp(ctx: ServiceContext, input: unknown, locale: string): Promise<SignUpOutcome> {
  const errors: FieldErrors = {};
  const parsed = signUpSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.message.startsWith('errors.') ? issue.message : 'errors.invalid';
      addError(errors, String(issue.path[0] ?? 'form'), key, { max: key === 'errors.too_long' ? fieldMax(issue.path[0]) : 0 });
    }
    return { ok: false, errors };
  }
  const data = parsed.data;
  if (data.password !== data.password_confirmation) {
    addError(errors, 'password_confirmation', 'errors.password_mismatch');
    return { ok: false, errors };
  }
  if (await ctx.db.users.findLocalByEmail(data.email)) {
    addError(errors, 'email', 'errors.email_taken');
    return { ok: false, errors };
  }
  const passwordDigest = await bcrypt.hash(data.password, ctx.config.bcryptCost);
  try {
    const user = await ctx.db.users.createLocal({ name: data.name, email: data.email, passwordDigest, preferredLocale: locale });
    return { ok: true, user };
  } catch (err) {
    // Two sign-ups racing for one address: the unique index decides.
    if (typeof err === 'object' && err !== null && 'code' in err && err.code === 'P2002') {
      addError(errors, 'email', 'errors.email_taken');
      return { ok: false, errors };
    }
    throw err;
  }
}

function fieldMax(field: PropertyKey | undefined): number {
  return field === 'name' ? LIMITS.userName : LIMITS.email;
}

/** Returns the user when the password matches an activated, unblocked local account. */
export async function authenticate(ctx: ServiceContext, email: string, password: string): Promise<User | null> {
  const user = email.length <= LIMITS.email ? await ctx.db.users.findLocalByEmail(email.trim()) : null;
  const digest = user?.passwordDigest ?? (await dummyHash(ctx.config.bcryptCost));
  // bcrypt only looks at the first 72 bytes; longer input is refused at sign-up anyway.
  const matches = await bcrypt.compare(password, digest);
  if (!user || !matches || !user.activated || user.blocked) return null;
  await ctx.db.users.recordLogin(user.id, ctx.now());
  return user;
}
