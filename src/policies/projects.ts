import type { ProjectWithOwner, User } from '../db/types.ts';

/**
 * Who may do what to a project. Every route asks here; nothing else compares user ids.
 * GitHub push rights and ownership transfer arrive with the accounts work; the table is
 * shaped so they slot in as further rules.
 */
export type ProjectAction = 'view' | 'edit' | 'control';

export type Actor = Pick<User, 'id' | 'role' | 'blocked'> | null | undefined;

export function isAdmin(actor: Actor): boolean {
  return !!actor && !actor.blocked && actor.role === 'admin';
}

export function canCreateProject(actor: Actor): boolean {
  return !!actor && !actor.blocked;
}

export function can(actor: Actor, action: ProjectAction, project: Pick<ProjectWithOwner, 'userId' | 'additionalRightUserIds'>): boolean {
  if (action === 'view') return true;
  if (!actor || actor.blocked) return false;
  if (isAdmin(actor) || project.userId === actor.id) return true;
  return action === 'edit' && project.additionalRightUserIds.includes(actor.id);
}
