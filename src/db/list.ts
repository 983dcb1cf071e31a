import type pg from 'pg';
import { Prisma } from './generated/client.ts';
import type { UnreadableReport } from './projects.ts';
import { readableRowsById, projectWithOwnerQuery, type ProjectWithOwnerRow } from './project-rows.ts';
import { SORT_FIELDS, type ProjectListFilter, type ProjectListOrder, type ProjectRole, type UserProjectEntry } from '../domain/list.ts';
import type { ProjectWithOwner } from '../domain/project.ts';
import { withStoreErrors } from './errors.ts';

/**
 * Reads go through the pg pool with the same Prisma.sql text ($n parameters): the ORM's raw path
 * was a tenth of the CPU of a list page under load (docs/performance.md). Nothing here runs in
 * a transaction.
 */
type Client = Pick<pg.Pool, 'query'>;

async function rowsOf<T extends pg.QueryResultRow>(db: Client, sql: Prisma.Sql): Promise<T[]> {
  return (await db.query<T>(sql.text, sql.values)).rows;
}

export interface ListRepo {
  /** One page of live projects with owner and collaborators, in the requested order. */
  page(filter: ProjectListFilter, order: ProjectListOrder, limit: number, offset: number): Promise<ProjectWithOwner[]>;
  count(filter: ProjectListFilter): Promise<number>;
  /** Ids of up to `limit` matching live projects (lookups: as=badge, as=entry, as=edit). */
  matchingIds(filter: ProjectListFilter, limit: number): Promise<number[]>;
  /** EXPLAIN output of the page query, one plan line per element (used by the index tests). */
  explainPage(filter: ProjectListFilter, order: ProjectListOrder, limit: number, offset: number): Promise<string[]>;
  /**
   * Up to `limit` live projects the user owns or collaborates on, owned ones first, each group
   * most recently updated first. A project appears once, as owned when the user is both.
   */
  userProjects(userId: number, limit: number): Promise<UserProjectEntry[]>;
  /** EXPLAIN output of the userProjects query (used by the index tests). */
  explainUserProjects(userId: number, limit: number): Promise<string[]>;
}

/** The list's filters as SQL (also the export's, src/db/export.ts); always excludes soft-deleted rows. */
export function whereClause(filter: ProjectListFilter): Prisma.Sql {
  const parts: Prisma.Sql[] = [Prisma.sql`p.deleted_at IS NULL`];
  if (filter.minTiered !== undefined) parts.push(Prisma.sql`p.tiered_percentage >= ${filter.minTiered}`);
  if (filter.maxTiered !== undefined) parts.push(Prisma.sql`p.tiered_percentage <= ${filter.maxTiered}`);
  if (filter.minBaselineTiered !== undefined) parts.push(Prisma.sql`p.baseline_tiered_percentage >= ${filter.minBaselineTiered}`);
  if (filter.maxBaselineTiered !== undefined) parts.push(Prisma.sql`p.baseline_tiered_percentage <= ${filter.maxBaselineTiered}`);
  if (filter.urls) {
    const urls = filter.urls.length ? filter.urls : [''];
    parts.push(Prisma.sql`(p.repo_url IN (${Prisma.join(urls)}) OR p.homepage_url IN (${Prisma.join(urls)}))`);
  }
  if (filter.prefix) {
    const { tsquery, likePattern } = filter.prefix;
    parts.push(Prisma.sql`p.search_vector @@ to_tsquery('simple', ${tsquery})`);
    parts.push(Prisma.sql`(lower(p.name) LIKE ${likePattern} OR lower(p.homepage_url) LIKE ${likePattern} OR lower(p.repo_url) LIKE ${likePattern})`);
  }
  if (filter.text !== undefined) parts.push(Prisma.sql`p.search_vector @@ websearch_to_tsquery('simple', ${filter.text})`);
  if (filter.ids) parts.push(filter.ids.length ? Prisma.sql`p.id IN (${Prisma.join(filter.ids)})` : Prisma.sql`FALSE`);
  if (filter.ownerId !== undefined) parts.push(Prisma.sql`p.user_id = ${filter.ownerId}`);
  return Prisma.join(parts, ' AND ');
}

function orderClause(order: ProjectListOrder): Prisma.Sql {
  // Identifiers come from the fixed list above, never from the request.
  if (!(SORT_FIELDS as readonly string[]).includes(order.field)) throw new Error(`Unsortable field ${order.field}`);
  const dir = Prisma.raw(order.direction === 'desc' ? 'DESC' : 'ASC');
  const field = Prisma.raw(`p.${order.field}`);
  return order.field === 'created_at'
    ? Prisma.sql`${field} ${dir}, p.id ${dir}`
    : Prisma.sql`${field} ${dir}, p.created_at ${dir}, p.id ${dir}`;
}

function pageQuery(filter: ProjectListFilter, order: ProjectListOrder, limit: number, offset: number): Prisma.Sql {
  return Prisma.sql`SELECT p.id FROM projects p WHERE ${whereClause(filter)} ORDER BY ${orderClause(order)} LIMIT ${limit} OFFSET ${offset}`;
}

/**
 * Two index lookups (projects.user_id and the (user_id, project_id) unique index of
 * additional_rights) joined by UNION ALL instead of one OR across both tables, which PostgreSQL
 * could only answer by scanning projects.
 */
function userProjectsQuery(userId: number, limit: number): Prisma.Sql {
  return Prisma.sql`
    SELECT id, name, tiered_percentage, role FROM (
      SELECT p.id, p.name, p.tiered_percentage, p.updated_at, 'owner' AS role, 0 AS rank
        FROM projects p WHERE p.user_id = ${userId} AND p.deleted_at IS NULL
      UNION ALL
      SELECT p.id, p.name, p.tiered_percentage, p.updated_at, 'collaborator' AS role, 1 AS rank
        FROM additional_rights a JOIN projects p ON p.id = a.project_id
        WHERE a.user_id = ${userId} AND p.user_id <> ${userId} AND p.deleted_at IS NULL
    ) mine
    ORDER BY rank, updated_at DESC, id DESC
    LIMIT ${limit}`;
}

export function createListRepo(db: Client, report: UnreadableReport): ListRepo {
  return withStoreErrors<ListRepo>({
    async page(filter, order, limit, offset) {
      const ids = (await rowsOf<{ id: number }>(db, pageQuery(filter, order, limit, offset))).map((r) => r.id);
      if (ids.length === 0) return [];
      // Whole rows, owners and collaborators for the page in one statement (no query per project).
      const rows = await rowsOf<ProjectWithOwnerRow>(db, projectWithOwnerQuery(Prisma.sql`p.id = ANY(${ids})`));
      const byId = readableRowsById(rows, report);
      return ids.flatMap((id) => {
        const project = byId.get(id);
        return project ? [project] : [];
      });
    },
    async count(filter) {
      const rows = await rowsOf<{ n: string }>(db, Prisma.sql`SELECT count(*) AS n FROM projects p WHERE ${whereClause(filter)}`);
      return Number(rows[0]?.n ?? 0);
    },
    async matchingIds(filter, limit) {
      const rows = await rowsOf<{ id: number }>(db, Prisma.sql`SELECT p.id FROM projects p WHERE ${whereClause(filter)} ORDER BY p.id LIMIT ${limit}`);
      return rows.map((r) => r.id);
    },
    async userProjects(userId, limit) {
      const rows = await rowsOf<{ id: number; name: string | null; tiered_percentage: number; role: ProjectRole }>(db, userProjectsQuery(userId, limit));
      return rows.map((r) => ({ id: r.id, name: r.name, tieredPercentage: r.tiered_percentage, role: r.role }));
    },
    async explainUserProjects(userId, limit) {
      const rows = await rowsOf<{ 'QUERY PLAN': string }>(db, Prisma.sql`EXPLAIN ${userProjectsQuery(userId, limit)}`);
      return rows.map((r) => r['QUERY PLAN']);
    },
    async explainPage(filter, order, limit, offset) {
      const rows = await rowsOf<{ 'QUERY PLAN': string }>(db, Prisma.sql`EXPLAIN ${pageQuery(filter, order, limit, offset)}`);
      return rows.map((r) => r['QUERY PLAN']);
    },
  });
}
