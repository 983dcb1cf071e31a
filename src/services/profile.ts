import bcrypt from 'bcrypt';
import { z } from 'zod';
import { UniqueViolation } from '../domain/errors.ts';
import type { User } from '../domain/user.ts';
import { SUPPORTED_LOCALES } from '../i18n.ts';
import { removeAccount } from './admin.ts';
import type { ServiceContext } from './context.ts';
import { queueAccountMail } from './mail/index.ts';
import { purgeProjects } from './project-changes.ts';
import { inTransaction } from './transaction.ts';
import { passwordProblem } from './passwords.ts';
import { consumeToken, issueToken, peekToken } from './tokens.ts';
import { addError, fieldErrors, hasErrors, LIMITS, parseForm, refuseUnknownFields, textRule, type FieldErrors } from './validation.ts';

const EMAIL_CHANGE_HOURS = 24;

export type Outcome = { ok: true } | { ok: false; errors: FieldErrors };

const checkbox = z.union([z.literal('1'), z.literal('on'), z.literal('true')]).optional().transform((v) => v !== undefined);

/** Any problem with the new address reads the same: "enter a valid email address". */
const emailChangeForm = z.object({
  email: z.string({ error: 'errors.email' }).trim().max(LIMITS.email, 'errors.email').pipe(z.email('errors.email')),
});

const profileSchema = z.object({
  name: z.string().superRefine(textRule('line')).trim().min(1, 'errors.required').max(LIMITS.userName, 'errors.too_long'),
  preferred_locale: z.enum(SUPPORTED_LOCALES, { message: 'errors.invalid' }),
  notification_emails: checkbox,
  important_notifications: checkbox,
  _csrf: z.string().optional(),
});

export async function updateProfile(ctx: ServiceContext, user: User, input: unknown): Promise<Outcome> {
  // A field the form does not have is refused, so nothing sent is silently ignored.
  const unknown = refuseUnknownFields((input ?? {}) as Record<string, unknown>, Object.keys(profileSchema.shape));
  const parsed = parseForm(profileSchema, input, { errors: unknown });
  if (!parsed.ok) return { ok: false, errors: parsed.errors };
  const d = parsed.value;
  await inTransaction(ctx, async (tx) => {
    await tx.db.users.updateProfile(user.id, {
      name: d.name,
      preferredLocale: d.preferred_locale,
      notificationEmails: d.notification_emails,
      importantNotifications: d.important_notifications,
    });
    // The owner's name is part of every public page and JSON of their projects.
    if (d.name !== user.name) await purgeProjects(ctx, tx.db, await tx.db.admin.liveProjectIds(user.id));
  });
  return { ok: true };
}

async function currentPasswordMatches(user: User, password: unknown): Promise<boolean> {
  return typeof password === 'string' && !!user.passwordDigest && (await bcrypt.compare(password, user.passwordDigest));
}

/**
 * A new password also ends the account's other sessions (whoever knew the old one may be logged
 * in elsewhere); the session making the change, `currentSessionId`, continues.
 */
export async function changePassword(ctx: ServiceContext, user: User, input: Record<string, unknown>, currentSessionId?: string): Promise<Outcome> {
  const errors = fieldErrors();
  if (!(await currentPasswordMatches(user, input.current_password))) addError(errors, 'current_password', 'profile:wrong_password');
  const password = input.password;
  const problem = typeof password === 'string' ? passwordProblem(password) : 'errors.password_short';
  if (problem) addError(errors, 'password', problem);
  else if (password !== input.password_confirmation) addError(errors, 'password_confirmation', 'errors.password_mismatch');
  if (hasErrors(errors) || typeof password !== 'string') return { ok: false, errors };
  await ctx.db.users.setPassword(user.id, await bcrypt.hash(password, ctx.config.bcryptCost));
  await ctx.db.sessions.endUserSessions(user.id, currentSessionId);
  return { ok: true };
}

/**
 * The new address must prove it is reachable before it replaces the old one, so a typo cannot
 * lock anyone out. The answer does not say whether the address already belongs to an account.
 */
export async function requestEmailChange(ctx: ServiceContext, user: User, input: Record<string, unknown>): Promise<Outcome> {
  const errors = fieldErrors();
  if (!(await currentPasswordMatches(user, input.current_password))) addError(errors, 'current_password', 'profile:wrong_password');
  const email = parseForm(emailChangeForm, input, { errors });
  if (!email.ok) return { ok: false, errors: email.errors };
  const address = email.value.email.toLowerCase();
  if (address === user.email) return { ok: true };
  if (await ctx.db.users.findLocalByEmail(address)) return { ok: true };
  await inTransaction(ctx, async (tx) => {
    const token = await issueToken(tx, user, 'email_change', EMAIL_CHANGE_HOURS * 3600_000, address);
    await queueAccountMail(tx, user, 'email_change', { url: `${ctx.config.publicUrl}/email_changes/${token}`, hours: EMAIL_CHANGE_HOURS }, address);
  });
  return { ok: true };
}

export async function emailChangeTokenValid(ctx: ServiceContext, token: string): Promise<boolean> {
  return (await peekToken(ctx, token, 'email_change')) !== null;
}

export async function confirmEmailChange(ctx: ServiceContext, token: string): Promise<'changed' | 'invalid' | 'taken'> {
  const row = await consumeToken(ctx, token, 'email_change');
  const user = row ? await ctx.db.users.findById(row.userId) : null;
  if (!row?.newEmail || !user) return 'invalid';
  if (await ctx.db.users.findLocalByEmail(row.newEmail)) return 'taken';
  const oldEmail = user.email;
  const newEmail = row.newEmail;
  try {
    await inTransaction(ctx, async (tx) => {
      await tx.db.users.setEmail(user.id, newEmail);
      // Tell the old address, so a hijacked session changing the address does not go unnoticed.
      if (oldEmail) await queueAccountMail(tx, user, 'email_changed_notice', {}, oldEmail);
    });
  } catch (err) {
    if (err instanceof UniqueViolation) return 'taken';
    throw err;
  }
  return 'changed';
}

export type DeleteOutcome = { ok: true } | { ok: false; errors: FieldErrors };

export async function deleteAccount(ctx: ServiceContext, user: User, input: Record<string, unknown>): Promise<DeleteOutcome> {
  const errors = fieldErrors();
  if (user.provider === 'local' && !(await currentPasswordMatches(user, input.current_password))) {
    addError(errors, 'current_password', 'profile:wrong_password');
  }
  const owned = await ctx.db.projects.countOwnedBy(user.id);
  if (owned > 0) addError(errors, 'form', 'profile:still_owns_projects', { count: owned });
  if (hasErrors(errors)) return { ok: false, errors };
  await ctx.db.transaction((tx) => removeAccount(tx, user.id, 'account deleted by its owner'));
  return { ok: true };
}

/** Signed unsubscribe link: turns notification mail off. */
export async function unsubscribe(ctx: ServiceContext, userId: number): Promise<boolean> {
  return ctx.db.users.disableNotifications(userId);
}
