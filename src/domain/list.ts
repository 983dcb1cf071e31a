/** The project list's filters and order, already validated (src/services/list.ts parses them). */

/** Columns the list may be sorted by (wire names); anything else never reaches SQL. */
export const SORT_FIELDS = [
  'id', 'name', 'tiered_percentage', 'achieved_passing_at', 'achieved_silver_at', 'achieved_gold_at',
  'homepage_url', 'repo_url', 'updated_at', 'user_id', 'created_at', 'baseline_tiered_percentage',
] as const;
export type SortField = (typeof SORT_FIELDS)[number];
export type SortDirection = 'asc' | 'desc';

/** Every filter present is ANDed. */
export interface ProjectListFilter {
  minTiered?: number;
  maxTiered?: number;
  /** Bounds on the OSPS Baseline series' tiered percentage (0–300, like the metal one). */
  minBaselineTiered?: number;
  maxBaselineTiered?: number;
  /** Exact match on repo_url or homepage_url against any of these values. */
  urls?: string[];
  /**
   * Prefix search. `tsquery` narrows through the full-text index; `likePattern` (already
   * LIKE-escaped, lower case, ending in %) rechecks that a field really starts with it.
   */
  prefix?: { tsquery: string; likePattern: string };
  /** websearch_to_tsquery syntax over the search document. */
  text?: string;
  ids?: number[];
  /** Projects owned by this user (`user_id`; collaborators are not owners). */
  ownerId?: number;
}

export interface ProjectListOrder {
  field: SortField;
  direction: SortDirection;
}

/** How a user is related to a project on their "my projects" list. */
export type ProjectRole = 'owner' | 'collaborator';

export interface UserProjectEntry {
  id: number;
  name: string | null;
  tieredPercentage: number;
  role: ProjectRole;
}
