import type { ProjectChangeRecord, ProjectSummary, ProjectWithOwner } from '../domain/project.ts';
import type { User } from '../domain/user.ts';
import type { ServiceContext } from './context.ts';
import { isGithubPusher } from './github.ts';

/** Reads of one project and its history, for the pages, badges and forms that show them. */

/** A live project; soft-deleted ones are invisible, so every page and badge answers 404 for them. */
export function findProject(ctx: ServiceContext, id: number): Promise<ProjectWithOwner | null> {
  return ctx.db.projects.findById(id);
}

/** Also finds soft-deleted projects: only for admins restoring them. */
export function findProjectIncludingDeleted(ctx: ServiceContext, id: number): Promise<ProjectWithOwner | null> {
  return ctx.db.projects.findByIdIncludingDeleted(id);
}

/** The most recently updated live projects, newest first (home page). */
export function recentlyUpdatedProjects(ctx: ServiceContext, limit: number): Promise<ProjectSummary[]> {
  return ctx.db.projects.recentlyUpdated(limit);
}

/** The newest `limit` history entries of a project, newest first. */
export function projectChanges(ctx: ServiceContext, projectId: number, limit: number): Promise<ProjectChangeRecord[]> {
  return ctx.db.projects.changes(projectId, limit);
}

/** Whether a GitHub-logged-in user may push to the project's repository (false without GitHub login). */
export function mayPushToRepository(
  ctx: ServiceContext,
  user: Pick<User, 'id' | 'provider' | 'nickname'> | undefined,
  token: string | undefined,
  project: Pick<ProjectWithOwner, 'repoUrl'>,
): Promise<boolean> {
  return isGithubPusher(ctx.github, ctx.config.github?.baseUrl, user, token, project);
}
