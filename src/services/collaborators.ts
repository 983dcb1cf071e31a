import { z } from 'zod';
import type { Repositories } from '../db/client.ts';
import type { ProjectWithOwner } from '../domain/project.ts';
import type { User } from '../domain/user.ts';
import { can, isAdmin, type Actor } from '../policies/projects.ts';
import type { ServiceContext } from './context.ts';
import { queueNotification } from './mail/index.ts';
import { recordProjectChange } from './project-changes.ts';
import { inTransaction } from './transaction.ts';
import { addError, fieldErrors, LIMITS, parseForm, refuseUnknownFields, type FieldErrors, type FormResult } from './validation.ts';

export type FormInput = Record<string, unknown>;

/** The one form field: a user id ("12" or "#12") or an email address of a local account. */
export const COLLABORATOR_FIELD = 'collaborator';

const MAX_ID = 2 ** 31 - 1;
const ALLOWED_FIELDS = ['_csrf', COLLABORATOR_FIELD];

type Target = { by: 'id'; id: number } | { by: 'email'; email: string };

/** A user id ("12" or "#12") or the email address of a local account; one problem is shown at a time. */
const targetForm = z.object({
  [COLLABORATOR_FIELD]: z
    .string({ error: 'collaborators:errors.required' })
    .trim()
    .min(1, { message: 'collaborators:errors.required', abort: true })
    .max(LIMITS.email, { message: 'collaborators:errors.too_long', abort: true })
    .transform((value, ctx): Target => {
      const id = /^#?([1-9][0-9]*)$/.exec(value)?.[1];
      if (id !== undefined) {
        if (Number(id) <= MAX_ID) return { by: 'id', id: Number(id) };
        ctx.addIssue({ code: 'custom', message: 'collaborators:errors.unknown_id', params: { id }, input: value });
        return z.NEVER;
      }
      // The pattern z.email() checks with.
      if (value.includes('@') && z.regexes.email.test(value)) return { by: 'email', email: value.toLowerCase() };
      ctx.addIssue({ code: 'custom', message: 'collaborators:errors.format', input: value });
      return z.NEVER;
    }),
  _csrf: z.unknown().optional(),
});

export interface PersonView {
  id: number;
  name: string;
  nickname: string | null;
  /** Present only when the viewer is an admin. */
  email?: string | null;
  blocked: boolean;
  /** Whether the viewer may remove this person (never true for the owner). */
  removable: boolean;
  isViewer: boolean;
}

export interface CollaboratorsPage {
  owner: PersonView;
  collaborators: PersonView[];
  canAdd: boolean;
  showEmails: boolean;
}

export type ChangeOutcome =
  | { ok: true; user: Pick<User, 'id' | 'name'> }
  | { ok: false; status: 403 | 404 | 422; errors: FieldErrors };

/** Everything the collaborators page shows; email addresses are left out unless the viewer is an admin. */
export async function collaboratorsPage(ctx: ServiceContext, viewer: Actor, project: ProjectWithOwner): Promise<CollaboratorsPage> {
  const showEmails = isAdmin(viewer);
  const [owner, rows] = await Promise.all([ctx.db.users.findById(project.userId), ctx.db.collaborators.list(project.id)]);
  const viewerId = viewer?.id;
  return {
    showEmails,
    canAdd: can(viewer, 'add_collaborator', project),
    owner: {
      id: project.userId,
      name: owner?.name ?? project.owner.name,
      nickname: owner?.nickname ?? project.owner.nickname,
      ...(showEmails ? { email: owner?.email ?? null } : {}),
      blocked: owner?.blocked ?? false,
      removable: false,
      isViewer: viewerId === project.userId,
    },
    collaborators: rows.map((r) => ({
      id: r.userId,
      name: r.name,
      nickname: r.nickname,
      ...(showEmails ? { email: r.email } : {}),
      blocked: r.blocked,
      removable: can(viewer, 'remove_collaborator', project, r.userId),
      isViewer: viewerId === r.userId,
    })),
  };
}

function parseTarget(input: FormInput): FormResult<Target> {
  const parsed = parseForm(targetForm, input, { errors: refuseUnknownFields(input, ALLOWED_FIELDS) });
  return parsed.ok ? { ok: true, value: parsed.value[COLLABORATOR_FIELD] } : parsed;
}

function refuse(status: 403 | 404 | 422, key: string, values?: Record<string, string | number>): ChangeOutcome {
  const errors = fieldErrors();
  addError(errors, status === 422 ? COLLABORATOR_FIELD : 'form', key, values);
  return { ok: false, status, errors };
}

/** The project as it is now, with its row locked until the transaction ends; null when it is gone. */
async function lockedProject(tx: Repositories, projectId: number): Promise<ProjectWithOwner | null> {
  if (!(await tx.collaborators.lockProject(projectId))) return null;
  return tx.projects.findById(projectId);
}

/**
 * Gives a user edit rights on the project. Refuses the owner, unknown and blocked accounts and
 * people who already have rights. When a non-admin looks someone up by email address, every
 * refusal reads the same, so the form cannot be used to find out who has an account (or which
 * address the owner or a collaborator uses).
 */
export async function addCollaborator(ctx: ServiceContext, actor: User, project: ProjectWithOwner, input: FormInput): Promise<ChangeOutcome> {
  const parsed = parseTarget(input);
  if (!parsed.ok) return { ok: false, status: 422, errors: parsed.errors };
  const target = parsed.value;
  const neutral = target.by === 'email' && !isAdmin(actor);
  const now = ctx.now();

  const outcome = await inTransaction(ctx, async (txCtx, tx): Promise<ChangeOutcome> => {
    const current = await lockedProject(tx, project.id);
    if (!current) return refuse(404, 'collaborators:errors.project_gone');
    // Rights may have changed since the route checked them (e.g. the actor was just removed).
    if (!can(actor, 'add_collaborator', current)) return refuse(403, 'errors.http.collaborators_add_forbidden');
    const user = target.by === 'id' ? await tx.users.findById(target.id) : await tx.users.findLocalByEmail(target.email);
    const refusal = (key: string, values?: Record<string, string | number>) =>
      refuse(422, neutral ? 'collaborators:errors.email_not_added' : key, values);
    if (!user) {
      return target.by === 'id' ? refusal('collaborators:errors.unknown_id', { id: target.id }) : refusal('collaborators:errors.unknown_email');
    }
    if (user.id === current.userId) return refusal('collaborators:errors.is_owner', { id: user.id });
    if (user.blocked) return refusal('collaborators:errors.blocked', { id: user.id });
    if (current.additionalRightUserIds.includes(user.id) || !(await tx.collaborators.add(current.id, user.id, now))) {
      return refusal('collaborators:errors.duplicate', { id: user.id });
    }
    const before = current.additionalRightUserIds;
    const after = [...before, user.id].sort((a, b) => a - b);
    await recordProjectChange(ctx, tx, { projectId: current.id, userId: actor.id, kind: 'edit', changes: { additional_rights: [before, after] }, at: now });
    await notifyAdded(txCtx, user, actor, current);
    return { ok: true, user: { id: user.id, name: user.name } };
  });
  return outcome;
}

/** Takes edit rights away; collaborators may use this to step down themselves. */
export async function removeCollaborator(ctx: ServiceContext, actor: User, project: ProjectWithOwner, userId: number): Promise<ChangeOutcome> {
  const now = ctx.now();
  return inTransaction(ctx, async (_txCtx, tx): Promise<ChangeOutcome> => {
    const current = await lockedProject(tx, project.id);
    if (!current) return refuse(404, 'collaborators:errors.project_gone');
    if (!can(actor, 'remove_collaborator', current, userId)) return refuse(403, 'errors.http.collaborators_remove_forbidden');
    const user = await tx.users.findById(userId);
    if (!user || !current.additionalRightUserIds.includes(userId) || !(await tx.collaborators.remove(current.id, userId))) {
      const errors = fieldErrors();
      addError(errors, 'form', 'collaborators:errors.not_collaborator', { id: userId });
      return { ok: false, status: 422, errors };
    }
    const before = current.additionalRightUserIds;
    const after = before.filter((id) => id !== userId);
    await recordProjectChange(ctx, tx, { projectId: current.id, userId: actor.id, kind: 'edit', changes: { additional_rights: [before, after] }, at: now });
    return { ok: true, user: { id: user.id, name: user.name } };
  });
}

/** Tells the new collaborator, so nobody holds edit rights without knowing it (queued with the change). */
async function notifyAdded(ctx: ServiceContext, user: User, actor: User, project: ProjectWithOwner): Promise<void> {
  await queueNotification(
    ctx,
    user,
    'collaborator_added',
    {
      actorName: actor.name,
      projectName: project.name ?? `#${project.id}`,
      url: `${ctx.config.publicUrl}/projects/${project.id}`,
      collaboratorsUrl: `${ctx.config.publicUrl}/projects/${project.id}/collaborators`,
    },
    actor.id,
  );
}
