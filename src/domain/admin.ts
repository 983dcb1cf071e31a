/** What the admin pages list. */

export interface Page<T> {
  rows: T[];
  total: number;
}

export interface PageRequest {
  page: number;
  perPage: number;
}

export interface AdminUserRow {
  id: number;
  name: string;
  provider: string;
  email: string | null;
  activated: boolean;
  blocked: boolean;
  blockedRationale: string | null;
  role: string | null;
  createdAt: Date;
  lastLoginAt: Date | null;
  /** Live projects only: soft-deleted ones are counted separately. */
  projectCount: number;
  deletedProjectCount: number;
}

export interface DeletedProjectRow {
  id: number;
  name: string | null;
  repoUrl: string | null;
  homepageUrl: string | null;
  owner: { id: number; name: string };
  deletedAt: Date;
  deletedBy: { id: number; name: string } | null;
  deletionRationale: string | null;
}

export interface ChangeRow {
  id: number;
  project: { id: number; name: string | null; deleted: boolean };
  user: { id: number; name: string } | null;
  kind: string;
  fields: string[];
  createdAt: Date;
}

/** What stays of an account that cannot be removed (see services/admin.ts deleteUser). */
export const ANONYMISED_NAME = 'deleted user';
