import { z } from 'zod';
import type { AdminUserRow, ChangeRow, DeletedProjectRow, Page } from '../domain/admin.ts';
import type { ChangeKind } from '../domain/project.ts';
import type { User } from '../domain/user.ts';
import type { Repositories } from '../db/client.ts';
import type { ServiceContext } from './context.ts';
import { recordProjectChange } from './project-changes.ts';
import { parseRationale, restorableSince, type FormInput } from './deletion.ts';
import { addError, fieldErrors, isTextValid, LIMITS, parseForm, type FieldErrors } from './validation.ts';

export const USERS_PER_PAGE = 50;
export const CHANGES_PER_PAGE = 50;
export const DELETED_PER_PAGE = 50;

/** Rationale stored on projects removed together with their spam account. */
export const SPAM_CLEANUP_RATIONALE = 'spam clean-up by admin';
/** blocked_rationale of an account that was anonymised instead of removed. */
export const ACCOUNT_DELETED_RATIONALE = 'account deleted by admin';

export const CHANGE_KINDS = ['create', 'edit', 'admin_override', 'transfer', 'delete', 'restore'] as const satisfies readonly ChangeKind[];

export type ListResult<T, Q> = { ok: true; query: Q; page: number; result: Page<T> } | { ok: false; query: Q; errors: FieldErrors };

// Query values are strings, or arrays when a parameter repeats; anything but one string is refused.
const pageParam = z
  .string()
  .regex(/^[1-9][0-9]{0,5}$/, 'admin:errors.page')
  .transform(Number)
  .optional();

// Type errors (a repeated parameter arrives as an array) and wrong literals carry zod's English
// text, not a key.
const QUERY_OPTIONS = { fallbackKey: 'admin:errors.invalid' } as const;

const usersQuery = z.object({
  q: z
    .string()
    .max(LIMITS.shortText, 'admin:errors.search_too_long')
    .refine(isTextValid, 'admin:errors.control_characters')
    .transform((s) => s.trim())
    .optional(),
  page: pageParam,
});

export interface UsersQuery {
  q: string;
}

/** One account with its project counts, for the admin's user page. */
export function findAdminUser(ctx: ServiceContext, id: number): Promise<AdminUserRow | null> {
  return ctx.db.admin.findUser(id);
}

export async function listUsers(ctx: ServiceContext, query: unknown): Promise<ListResult<AdminUserRow, UsersQuery>> {
  const parsed = parseForm(usersQuery, query, QUERY_OPTIONS);
  if (!parsed.ok) {
    const raw = (query ?? {}) as Record<string, unknown>;
    return { ok: false, query: { q: typeof raw.q === 'string' ? raw.q.slice(0, LIMITS.shortText) : '' }, errors: parsed.errors };
  }
  const q = parsed.value.q ?? '';
  const page = parsed.value.page ?? 1;
  const result = await ctx.db.admin.listUsers(q === '' ? undefined : q, { page, perPage: USERS_PER_PAGE });
  return { ok: true, query: { q }, page, result };
}

const changesQuery = z.object({
  kind: z
    .enum(['', ...CHANGE_KINDS], { error: 'admin:errors.kind' })
    .optional(),
  page: pageParam,
});

export interface ChangesQuery {
  kind: string;
}

export async function listChanges(ctx: ServiceContext, query: unknown): Promise<ListResult<ChangeRow, ChangesQuery>> {
  const parsed = parseForm(changesQuery, query, QUERY_OPTIONS);
  if (!parsed.ok) return { ok: false, query: { kind: '' }, errors: parsed.errors };
  const kind = parsed.value.kind ?? '';
  const page = parsed.value.page ?? 1;
  const result = await ctx.db.admin.recentChanges(kind === '' ? undefined : kind, { page, perPage: CHANGES_PER_PAGE });
  return { ok: true, query: { kind }, page, result };
}

export async function listDeletedProjects(ctx: ServiceContext, query: unknown): Promise<ListResult<DeletedProjectRow, Record<string, never>>> {
  const parsed = parseForm(z.object({ page: pageParam }), query, QUERY_OPTIONS);
  if (!parsed.ok) return { ok: false, query: {}, errors: parsed.errors };
  const page = parsed.value.page ?? 1;
  const result = await ctx.db.admin.deletedProjects(restorableSince(ctx), { page, perPage: DELETED_PER_PAGE });
  return { ok: true, query: {}, page, result };
}

export type AdminOutcome = { ok: true; anonymised?: boolean; deletedProjects?: number } | { ok: false; errors: FieldErrors };

function refuseSelf(admin: User, target: AdminUserRow, errors: FieldErrors, key: string): boolean {
  if (admin.id !== target.id) return false;
  addError(errors, 'form', key);
  return true;
}

/**
 * Blocking ends the user's sessions at once (deserializeUser refuses blocked accounts) and stops
 * logins and password resets, so a blocked user can no longer write anything.
 */
export async function blockUser(ctx: ServiceContext, admin: User, target: AdminUserRow, input: FormInput): Promise<AdminOutcome> {
  const errors = fieldErrors();
  if (refuseSelf(admin, target, errors, 'admin:errors.block_self')) return { ok: false, errors };
  const rationale = parseRationale(input, 'blocked_rationale', false);
  if (!rationale.ok) return { ok: false, errors: rationale.errors };
  await ctx.db.admin.setBlocked(target.id, true, rationale.value);
  ctx.logger.info('user blocked', { userId: target.id, byUserId: admin.id });
  return { ok: true };
}

export async function unblockUser(ctx: ServiceContext, admin: User, target: AdminUserRow): Promise<AdminOutcome> {
  await ctx.db.admin.setBlocked(target.id, false, null);
  ctx.logger.info('user unblocked', { userId: target.id, byUserId: admin.id });
  return { ok: true };
}

const deleteUserForm = z.object({ delete_projects: z.literal('1').optional() });

/**
 * Removes an account. Live projects must be dealt with first, or removed along with the account
 * (spam clean-up), so no project entry is lost by accident.
 *
 * projects.user_id is ON DELETE RESTRICT and soft-deleted projects keep their row (so they can be
 * restored), so an account that owns any project row cannot be removed. Such an account is
 * anonymised and blocked instead: personal data goes, the row stays as the owner of record, and
 * it can never log in again. Once the purge has removed its projects, nothing refers to it.
 */
/**
 * Deletes an account, or anonymises it when project rows (soft-deleted ones, kept restorable)
 * still reference it. Used by admins and by users deleting their own account.
 */
export async function removeAccount(tx: Repositories, userId: number, rationale: string): Promise<'deleted' | 'anonymised'> {
  if (await tx.admin.ownsAnyProjectRow(userId)) {
    await tx.admin.anonymiseUser(userId, rationale);
    return 'anonymised';
  }
  await tx.admin.deleteUser(userId);
  return 'deleted';
}

export async function deleteUser(ctx: ServiceContext, admin: User, target: AdminUserRow, input: FormInput): Promise<AdminOutcome> {
  const errors = fieldErrors();
  if (refuseSelf(admin, target, errors, 'admin:errors.delete_self')) return { ok: false, errors };
  const form = parseForm(deleteUserForm, input, QUERY_OPTIONS);
  if (!form.ok) return { ok: false, errors: form.errors };
  const alsoProjects = form.value.delete_projects === '1';
  const now = ctx.now();
  const outcome = await ctx.db.transaction(async (tx): Promise<AdminOutcome> => {
    const live = await tx.admin.liveProjectIds(target.id);
    if (live.length > 0 && !alsoProjects) {
      addError(errors, 'delete_projects', 'admin:errors.owns_projects', { count: live.length });
      return { ok: false, errors };
    }
    for (const id of live) {
      if (await tx.admin.softDeleteProject(id, admin.id, SPAM_CLEANUP_RATIONALE, now)) {
        await recordProjectChange(ctx, tx, { projectId: id, userId: admin.id, kind: 'delete', changes: { deletion_rationale: [null, SPAM_CLEANUP_RATIONALE] }, at: now });
      }
    }
    const result = await removeAccount(tx, target.id, ACCOUNT_DELETED_RATIONALE);
    return { ok: true, anonymised: result === 'anonymised', deletedProjects: live.length };
  });
  if (outcome.ok) ctx.logger.info('user deleted', { userId: target.id, byUserId: admin.id, anonymised: outcome.anonymised, deletedProjects: outcome.deletedProjects });
  return outcome;
}
