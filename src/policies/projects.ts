import type { ProjectWithOwner } from '../domain/project.ts';
import type { User } from '../domain/user.ts';

/**
 * Who may do what to a project. Every route asks here; nothing else compares user ids.
 *
 * | action                 | anonymous | other user | collaborator | owner | admin |
 * |------------------------|-----------|------------|--------------|-------|-------|
 * | view                   | yes       | yes        | yes          | yes   | yes   |
 * | edit (answers, info)   |           |            | yes          | yes   | yes   |
 * | add_collaborator       |           |            | yes          | yes   | yes   |
 * | remove_collaborator    |           |            | (self only)  | yes   | yes   |
 * | delete                 |           |            |              | yes   | yes   |
 * | transfer (offer)       |           |            |              | yes   | yes   |
 * | transfer_direct        |           |            |              |       | yes   |
 * | restore (soft-deleted) |           |            |              |       | yes   |
 *
 * Blocked users are treated as anonymous. GitHub push rights will count as "collaborator".
 */
export type ProjectAction =
  | 'view'
  | 'edit'
  | 'add_collaborator'
  | 'remove_collaborator'
  | 'delete'
  | 'transfer'
  | 'transfer_direct'
  | 'restore';

export type Actor = Pick<User, 'id' | 'role' | 'blocked'> | null | undefined;
type ProjectFacts = Pick<ProjectWithOwner, 'userId' | 'additionalRightUserIds'>;

export function isAdmin(actor: Actor): boolean {
  return !!actor && !actor.blocked && actor.role === 'admin';
}

export function canCreateProject(actor: Actor): boolean {
  return !!actor && !actor.blocked;
}

/** Facts that need I/O to establish (the caller looks them up; the policy stays pure). */
export interface ExternalFacts {
  /** The actor logged in with GitHub and GitHub reports push access to the project's repository. */
  githubPusher?: boolean;
}

/** The one question every route asks. `subjectUserId` is the collaborator being removed. */
export function can(actor: Actor, action: ProjectAction, project: ProjectFacts, subjectUserId?: number, facts: ExternalFacts = {}): boolean {
  if (action === 'view') return true;
  if (!actor || actor.blocked) return false;
  if (isAdmin(actor)) return true;
  const owner = project.userId === actor.id;
  const collaborator = project.additionalRightUserIds.includes(actor.id) || facts.githubPusher === true;
  switch (action) {
    case 'edit':
    case 'add_collaborator':
      return owner || collaborator;
    case 'remove_collaborator':
      // A collaborator may step down, but not remove others.
      return owner || (collaborator && subjectUserId === actor.id);
    case 'delete':
    case 'transfer':
      return owner;
    case 'transfer_direct':
    case 'restore':
      return false;
  }
}

/** Admin pages (user list, spot checks, blocking). */
export function canAdminister(actor: Actor): boolean {
  return isAdmin(actor);
}
