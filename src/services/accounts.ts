import bcrypt from 'bcrypt';
import { z } from 'zod';
import { UniqueViolation } from '../domain/errors.ts';
import type { User } from '../domain/user.ts';
import type { ServiceContext } from './context.ts';
import { queueAccountMail } from './mail/index.ts';
import { inTransaction } from './transaction.ts';
import { passwordProblem } from './passwords.ts';
import { consumeToken, issueToken, peekToken } from './tokens.ts';
import { addError, fieldErrors, isTextValid, LIMITS, parseForm, refuseUnknownFields, textRule, type FieldErrors } from './validation.ts';

const HOUR = 60 * 60 * 1000;
export const RESET_TOKEN_HOURS = 2;
/** A repeated sign-up or resend request mails a new activation link at most this often. */
const ACTIVATION_RESEND_MS = 10 * 60 * 1000;

// Compared against when the email is unknown, so a failed login costs the same bcrypt time
// whether or not the account exists (no account enumeration by timing).
let dummyDigest: string | undefined;
async function dummyHash(cost: number): Promise<string> {
  dummyDigest ??= await bcrypt.hash('not-a-real-password', cost);
  return dummyDigest;
}

const emailSchema = z.string().trim().max(LIMITS.email, 'errors.too_long').pipe(z.email('errors.email'));
/** The one field of the resend and reset requests. */
const emailForm = z.object({ email: emailSchema });

const signUpSchema = z.object({
  name: z.string().superRefine(textRule('line')).trim().min(1, 'errors.required').max(LIMITS.userName, 'errors.too_long'),
  email: emailSchema,
  password: z.string(),
  password_confirmation: z.string(),
  _csrf: z.string().optional(),
});

function checkNewPassword(password: unknown, confirmation: unknown, errors: FieldErrors): string | undefined {
  if (typeof password !== 'string' || typeof confirmation !== 'string') {
    addError(errors, 'password', 'errors.required');
    return undefined;
  }
  const problem = passwordProblem(password);
  if (problem) addError(errors, 'password', problem);
  else if (password !== confirmation) addError(errors, 'password_confirmation', 'errors.password_mismatch');
  return problem || password !== confirmation ? undefined : password;
}

async function mailActivation(ctx: ServiceContext, user: User): Promise<void> {
  const days = ctx.config.unactivatedUserDays;
  await inTransaction(ctx, async (tx) => {
    const token = await issueToken(tx, user, 'activation', days * 24 * HOUR);
    await tx.db.users.recordActivationMail(user.id, ctx.now());
    await queueAccountMail(tx, user, 'activation', { url: `${ctx.config.publicUrl}/account_activations/${token}`, days });
  });
}

function activationRecentlyMailed(ctx: ServiceContext, user: User): boolean {
  const sent = user.activationEmailSentAt?.getTime() ?? 0;
  return ctx.now().getTime() - sent < ACTIVATION_RESEND_MS;
}

export type SignUpOutcome = { ok: true } | { ok: false; errors: FieldErrors };

/**
 * Valid input always gets the same answer ("check your mail"), whether or not the address is
 * already registered, so the form cannot be used to find out who has an account. A new account
 * stays inactive until the link in the activation mail is confirmed with a POST.
 */
export async function signUp(ctx: ServiceContext, input: unknown, locale: string): Promise<SignUpOutcome> {
  const body = (input ?? {}) as Record<string, unknown>;
  // A field the form does not have is refused, so nothing sent is silently ignored.
  const parsed = parseForm(signUpSchema, input, { errors: refuseUnknownFields(body, Object.keys(signUpSchema.shape)) });
  // The password rules are told alongside the other fields' problems, after them.
  const errors = parsed.ok ? fieldErrors() : parsed.errors;
  const password = checkNewPassword(body.password, body.password_confirmation, errors);
  if (!parsed.ok || password === undefined) return { ok: false, errors };
  const data = parsed.value;
  // Hash first in every case, so a known address does not answer faster than a new one.
  const passwordDigest = await bcrypt.hash(password, ctx.config.bcryptCost);
  const existing = await ctx.db.users.findLocalByEmail(data.email);
  if (existing) {
    if (!existing.activated && !activationRecentlyMailed(ctx, existing)) await mailActivation(ctx, existing);
    return { ok: true };
  }
  try {
    // The account and its activation mail commit together: no account without its link.
    await inTransaction(ctx, async (tx) => {
      const user = await tx.db.users.createLocal({ name: data.name, email: data.email, passwordDigest, preferredLocale: locale });
      await mailActivation(tx, user);
    });
  } catch (err) {
    // Two sign-ups racing for one address: the unique index decides, the answer is the same.
    if (err instanceof UniqueViolation) return { ok: true };
    throw err;
  }
  return { ok: true };
}

/** Sends a fresh activation link when the address belongs to an unactivated account. */
export async function resendActivation(ctx: ServiceContext, email: unknown): Promise<void> {
  const parsed = parseForm(emailForm, { email });
  if (!parsed.ok) return;
  const user = await ctx.db.users.findLocalByEmail(parsed.value.email);
  if (user && !user.activated && !activationRecentlyMailed(ctx, user)) await mailActivation(ctx, user);
}

export async function activationTokenValid(ctx: ServiceContext, token: string): Promise<boolean> {
  return (await peekToken(ctx, token, 'activation')) !== null;
}

/** Activates the account the token belongs to; null when the link is invalid, expired or used. */
export async function activate(ctx: ServiceContext, token: string): Promise<User | null> {
  const row = await consumeToken(ctx, token, 'activation');
  if (!row) return null;
  await ctx.db.users.activate(row.userId, ctx.now());
  return ctx.db.users.findById(row.userId);
}

export type LoginResult = { ok: true; user: User } | { ok: false; reason: 'invalid' | 'not_activated' };

/** Checks a password. "not_activated" is only reported after a correct password. */
export async function authenticate(ctx: ServiceContext, email: string, password: string): Promise<LoginResult> {
  // Text no address can contain (NUL and other control characters) is refused before the query;
  // the answer stays the same as for an unknown address.
  const user = email.length <= LIMITS.email && isTextValid(email) ? await ctx.db.users.findLocalByEmail(email.trim()) : null;
  const digest = user?.passwordDigest ?? (await dummyHash(ctx.config.bcryptCost));
  // bcrypt only looks at the first 72 bytes; longer passwords are refused when set.
  const matches = await bcrypt.compare(password, digest);
  if (!user || !matches || user.blocked) return { ok: false, reason: 'invalid' };
  if (!user.activated) return { ok: false, reason: 'not_activated' };
  await ctx.db.users.recordLogin(user.id, ctx.now());
  return { ok: true, user };
}

/** Mails a reset link to activated local accounts only; the caller always answers the same. */
export async function requestPasswordReset(ctx: ServiceContext, email: unknown): Promise<void> {
  const parsed = parseForm(emailForm, { email });
  if (!parsed.ok) return;
  const user = await ctx.db.users.findLocalByEmail(parsed.value.email);
  if (!user?.activated || user.blocked) return;
  await inTransaction(ctx, async (tx) => {
    const token = await issueToken(tx, user, 'password_reset', RESET_TOKEN_HOURS * HOUR);
    await queueAccountMail(tx, user, 'password_reset', { url: `${ctx.config.publicUrl}/password_resets/${token}`, hours: RESET_TOKEN_HOURS });
  });
}

export async function resetTokenValid(ctx: ServiceContext, token: string): Promise<boolean> {
  return (await peekToken(ctx, token, 'password_reset')) !== null;
}

export type ResetOutcome = { ok: true; user: User } | { ok: false; errors: FieldErrors; expired?: boolean };

/** A completed reset ends every session of the account other than `currentSessionId`. */
export async function resetPassword(ctx: ServiceContext, token: string, input: Record<string, unknown>, currentSessionId?: string): Promise<ResetOutcome> {
  const errors = fieldErrors();
  const password = checkNewPassword(input.password, input.password_confirmation, errors);
  if (password === undefined) return { ok: false, errors };
  const row = await consumeToken(ctx, token, 'password_reset');
  if (!row) return { ok: false, errors: {}, expired: true };
  await ctx.db.users.setPassword(row.userId, await bcrypt.hash(password, ctx.config.bcryptCost));
  await ctx.db.sessions.endUserSessions(row.userId, currentSessionId);
  const user = await ctx.db.users.findById(row.userId);
  return user ? { ok: true, user } : { ok: false, errors: {}, expired: true };
}
