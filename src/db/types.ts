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
// Addresses are stored encrypted with a blind index (src/db/email-crypto.ts); the entities carry
// them decrypted, in place of those columns.
export const rowsMatchEntities: [
  Same<Omit<ProjectRow, 'answers'>, Omit<Project, 'answers'>>,
  Same<Omit<UserRow, 'emailCiphertext' | 'emailBidx'> & { email: string | null }, User>,
  Same<Omit<UserTokenRow, 'newEmailCiphertext'> & { newEmail: string | null }, UserToken>,
] = [true, true, true];
