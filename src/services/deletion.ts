import { z } from 'zod';
import type { ProjectWithOwner } from '../domain/project.ts';
import { isAdmin, type Actor } from '../policies/projects.ts';
import type { ServiceContext } from './context.ts';
import { recordProjectChange } from './project-changes.ts';
import { fieldErrors, isTextValid, LIMITS, parseForm, type FieldErrors, type FormResult } from './validation.ts';

/** How long a soft-deleted project can be restored before purgeDeletedProjects removes it. */
export const RESTORE_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Owners must explain themselves so a hasty or malicious deletion leaves a usable trail; admins
 * (often cleaning up spam) only need to say something.
 */
export const OWNER_RATIONALE = { minLength: 20, minNonSpace: 15 } as const;

export type FormInput = Record<string, unknown>;

export type DeletionOutcome = { ok: true } | { ok: false; status: number; errors: FieldErrors };

/**
 * Error keys are i18n keys; zod messages carry them so the issue list maps straight to
 * FieldErrors. Every check aborts, so only the first problem is shown: "too short" after
 * "required" would just repeat it.
 */
function rationaleSchema(strict: boolean) {
  return z
    .string({ error: 'admin:errors.invalid' })
    .nullish()
    .transform((s) => (s ?? '').trim())
    .pipe(
      z
        .string()
        .min(1, { message: 'admin:errors.rationale_required', abort: true })
        .max(LIMITS.longText, { message: 'admin:errors.too_long', abort: true })
        .refine(isTextValid, { message: 'admin:errors.control_characters', abort: true })
        .refine((s) => !strict || (s.length >= OWNER_RATIONALE.minLength && s.replace(/\s/g, '').length >= OWNER_RATIONALE.minNonSpace), {
          message: 'admin:errors.rationale_too_short',
          params: { min: OWNER_RATIONALE.minLength, nonSpace: OWNER_RATIONALE.minNonSpace },
        }),
    );
}

const rationaleForms = new Map<string, z.ZodType<Record<string, string>>>();

/** Parses a required free-text reason in `field`; the value is the trimmed text. */
export function parseRationale(input: FormInput, field: string, strict: boolean): FormResult<string> {
  const name = `${field}:${String(strict)}`;
  let schema = rationaleForms.get(name);
  if (!schema) {
    schema = z.object({ [field]: rationaleSchema(strict) });
    rationaleForms.set(name, schema);
  }
  const parsed = parseForm(schema, input);
  return parsed.ok ? { ok: true, value: parsed.value[field] ?? '' } : parsed;
}

/**
 * Soft-deletes a project: it vanishes from every page, badge and API at once, but the row (and so
 * its repo URL, which is unique) stays until purgeDeletedProjects, so an admin can undo a mistake
 * or abuse and nobody can take over the URL in the meantime. The caller has checked
 * can(actor, 'delete', project).
 */
export async function deleteProject(ctx: ServiceContext, actor: NonNullable<Actor>, project: ProjectWithOwner, input: FormInput): Promise<DeletionOutcome> {
  const parsed = parseRationale(input, 'deletion_rationale', !isAdmin(actor));
  if (!parsed.ok) return parsed;
  const rationale = parsed.value;
  const now = ctx.now();
  const deleted = await ctx.db.transaction(async (tx) => {
    if (!(await tx.admin.softDeleteProject(project.id, actor.id, rationale, now))) return false;
    await recordProjectChange(ctx, tx, { projectId: project.id, userId: actor.id, kind: 'delete', changes: { deletion_rationale: [null, rationale] }, at: now });
    return true;
  });
  // Someone else deleted it between loading and saving: to this user it simply no longer exists.
  if (!deleted) return { ok: false, status: 404, errors: fieldErrors() };
  ctx.logger.info('project deleted', { projectId: project.id, byUserId: actor.id, admin: isAdmin(actor) });
  return { ok: true };
}

/** Brings a soft-deleted project back exactly as it was; the caller has checked can(actor, 'restore', project). */
export async function restoreProject(ctx: ServiceContext, actor: NonNullable<Actor>, project: ProjectWithOwner): Promise<boolean> {
  const now = ctx.now();
  const restored = await ctx.db.transaction(async (tx) => {
    if (!(await tx.admin.restoreProject(project.id, now))) return false;
    await recordProjectChange(ctx, tx, { projectId: project.id, userId: actor.id, kind: 'restore', changes: { deleted_at: [project.deletedAt?.toISOString() ?? null, null] }, at: now });
    return true;
  });
  if (restored) ctx.logger.info('project restored', { projectId: project.id, byUserId: actor.id });
  return restored;
}

/** Start of the window in which deleted projects can still be restored. */
export function restorableSince(ctx: ServiceContext, days = RESTORE_DAYS): Date {
  return new Date(ctx.now().getTime() - days * DAY_MS);
}

/**
 * Hard-deletes projects soft-deleted more than `olderThanDays` ago, freeing their repo URLs.
 * Meant for a daily scheduled job; returns how many projects were removed.
 */
export async function purgeDeletedProjects(ctx: ServiceContext, olderThanDays = RESTORE_DAYS): Promise<number> {
  if (!Number.isInteger(olderThanDays) || olderThanDays < 0) throw new RangeError('olderThanDays must be a non-negative integer');
  const purged = await ctx.db.admin.purgeDeletedBefore(restorableSince(ctx, olderThanDays));
  if (purged > 0) ctx.logger.info('deleted projects purged', { count: purged, olderThanDays });
  return purged;
}
