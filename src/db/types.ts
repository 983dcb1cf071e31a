import type { Project as ProjectRow, User as UserRow, UserToken as UserTokenRow } from './generated/client.ts';
import type { Project } from '../domain/project.ts';
import type { User, UserToken } from '../domain/user.ts';

/**
 * The entity types live in src/domain; this module proves that the rows Prisma returns still
 * match them, so a column renamed or retyped in the schema fails the type check here.
 */
export type { NewProject, Project, ProjectChanges, ProjectWithOwner, StatusCode, StoredAnswer, StoredAnswers } from '../domain/project.ts';
export type { User } from '../domain/user.ts';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const rowsMatchEntities: [
  Same<Omit<ProjectRow, 'answers'>, Omit<Project, 'answers'>>,
  Same<UserRow, User>,
  Same<UserTokenRow, UserToken>,
] = [true, true, true];
