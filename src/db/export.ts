import type pg from 'pg';
import { Prisma } from './generated/client.ts';
import type { UnreadableReport } from './projects.ts';
import { readableRowsById, projectWithOwnerQuery, type ProjectWithOwnerRow } from './project-rows.ts';
import type { ExportBatch, ExportCursor } from '../domain/export.ts';
import { withStoreErrors } from './errors.ts';
import { whereClause } from './list.ts';
import type { ProjectListFilter } from '../domain/list.ts';

/**
 * The export reads through the pg pool, not the ORM: rows passed through the ORM's raw query
 * path cost about 60 MB more memory outside the JavaScript heap (docs/performance.md). The SQL is
 * the same Prisma.sql text, with $n parameters.
 */
type Client = Pick<pg.Pool, 'query'>;

async function rowsOf<T extends pg.QueryResultRow>(db: Client, sql: Prisma.Sql): Promise<T[]> {
  return (await db.query<T>(sql.text, sql.values)).rows;
}

export interface ExportRepo {
  /**
   * Up to `limit` live projects matching `filter` (the list's filters) after `after` in (created_at, id) order, with owner and
   * collaborators. Keyset pagination: every call is one short query, no connection or
   * transaction is held between batches, so a slow client never pins a pooled connection.
   */
  batch(after: ExportCursor | null, limit: number, filter?: ProjectListFilter): Promise<ExportBatch>;
}

export function createExportRepo(db: Client, report: UnreadableReport): ExportRepo {
  return withStoreErrors<ExportRepo>({
    async batch(after, limit, filter = {}) {
      const keyset = after
        ? Prisma.sql`AND p.created_at >= ${after.createdAt}::timestamptz
            AND (p.created_at > ${after.createdAt}::timestamptz OR p.id > ${after.id})`
        : Prisma.empty;
      const keys = await rowsOf<{ id: number; created_at: string }>(db, Prisma.sql`
        SELECT p.id, p.created_at::text AS created_at FROM projects p
        WHERE ${whereClause(filter)} ${keyset}
        ORDER BY p.created_at, p.id LIMIT ${limit}`);
      if (keys.length === 0) return { projects: [], next: null };
      // Whole rows, owners and collaborators for the batch in one statement (no query per project).
      const rows = await rowsOf<ProjectWithOwnerRow>(db, projectWithOwnerQuery(Prisma.sql`p.id = ANY(${keys.map((k) => k.id)})`));
      const byId = readableRowsById(rows, report);
      const projects = keys.flatMap((k) => {
        const project = byId.get(k.id);
        return project ? [project] : [];
      });
      const last = keys[keys.length - 1]!;
      return { projects, next: keys.length < limit ? null : { createdAt: last.created_at, id: last.id } };
    },
  });
}
