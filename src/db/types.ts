import type { Project as ProjectRow, User as UserRow } from './generated/client.ts';

export type StatusCode = 0 | 1 | 2 | 3;

/** One stored answer; an absent id means "?" (unknown). */
export interface StoredAnswer {
  status: StatusCode;
  justification: string | null;
}

export type StoredAnswers = Record<string, StoredAnswer>;

export type Project = Omit<ProjectRow, 'answers'> & { answers: StoredAnswers };

export interface ProjectWithOwner extends Project {
  owner: { id: number; name: string; nickname: string | null };
  additionalRightUserIds: number[];
}

export type User = UserRow;

/** Columns a save may change; the repository bumps lock_version and updated_at itself. */
export type ProjectChanges = Partial<
  Omit<Project, 'id' | 'userId' | 'createdAt' | 'updatedAt' | 'lockVersion'>
>;

export type NewProject = ProjectChanges & { userId: number };
