import type { ExportRepo } from '../db/export.ts';
import type { ExportBatch } from '../domain/export.ts';
import type { ProjectListFilter } from '../domain/list.ts';
import { parseListQuery } from './list.ts';
import type { ProjectWithOwner } from '../domain/project.ts';
import type { ServiceContext } from './context.ts';

/**
 * Bulk export of every live project (GET /projects.json?all=1, /projects.csv?all=1).
 *
 * Memory stays constant: the rows are read in keyset batches of EXPORT_BATCH_SIZE and each batch
 * becomes one chunk (src/presenters/project-export.ts) that is written (waiting for 'drain' when
 * the socket is full); only the batch after it is read meanwhile. A client that goes away stops
 * the reading.
 */
// 250 rather than 500: a batch's rows live until they are written, long enough to be promoted to
// V8's old generation; halving the batch cut the export's peak memory (docs/performance.md).
export const EXPORT_BATCH_SIZE = 250;

export type ExportFormat = 'json' | 'csv';

/** Where the chunks go; `write` resolves false once the receiver has gone away. */
export interface ExportSink {
  write(chunk: string): Promise<boolean>;
}

/** List parameters that make no sense for "everything": the export has one order and no pages. */
const NOT_WITH_ALL = new Set(['page', 'sort', 'sort_direction', 'as', 'section']);

export type ExportQuery = { ok: true; filter: ProjectListFilter } | { ok: false; details: Record<string, string> };

/**
 * Parameters of an export request: exactly one `all=1`, optionally with the list's filters
 * (status, gteq, lteq, baseline_level, baseline_gteq, baseline_lteq, url, pq, q, ids, user_id), which mean what they mean for the list.
 */
export function parseExportQuery(rawSearch: string, levelKeys: readonly string[] = []): ExportQuery {
  const entries = [...new URLSearchParams(rawSearch)];
  const all = entries.filter(([k]) => k === 'all');
  const details: Record<string, string> = {};
  if (all.length !== 1 || all[0]![1] !== '1') details.all = 'exactly one all=1';
  const rest = entries.filter(([k]) => k !== 'all');
  for (const [k] of rest) {
    if (NOT_WITH_ALL.has(k)) details[k] = 'cannot be combined with all=1 (the export is every match, oldest first, in one response)';
  }
  const filters = rest.filter(([k]) => !NOT_WITH_ALL.has(k));
  const parsed = parseListQuery(new URLSearchParams(filters).toString(), levelKeys);
  if (!parsed.ok) {
    for (const field of Object.keys(parsed.errors)) details[field] = 'search' in parsed ? 'unknown or empty parameter' : 'invalid value (see the list parameters)';
  }
  if (Object.keys(details).length > 0 || !parsed.ok) return { ok: false, details };
  return { ok: true, filter: parsed.value.filter };
}

/**
 * Every matching live project in keyset batches of EXPORT_BATCH_SIZE. The next batch is read
 * while the current one is being presented and written (database and CPU overlap), and no
 * further: at most two batches are in memory, and a slow or departed reader stops the reading.
 */
export async function* exportBatches(source: Pick<ExportRepo, 'batch'>, filter: ProjectListFilter = {}, size = EXPORT_BATCH_SIZE): AsyncGenerator<ProjectWithOwner[]> {
  let next: Promise<ExportBatch> | null = source.batch(null, size, filter);
  while (next) {
    const batch: ExportBatch = await next;
    const cursor = batch.next;
    next = cursor === null ? null : source.batch(cursor, size, filter);
    // A prefetched batch nobody will take must not end as an unhandled rejection.
    next?.catch(() => undefined);
    yield batch.projects;
  }
}

/** The bulk export of the service context's database (see exportBatches). */
export function projectExportBatches(ctx: ServiceContext, filter: ProjectListFilter = {}): AsyncGenerator<ProjectWithOwner[]> {
  return exportBatches(ctx.db.export, filter);
}

/**
 * Writes every chunk to the sink, one batch in memory at a time. Returns false when the
 * receiver went away before the end (the remaining batches are then never read).
 */
export async function pumpExport(chunks: AsyncIterable<string>, sink: ExportSink): Promise<boolean> {
  for await (const chunk of chunks) {
    if (!(await sink.write(chunk))) return false;
  }
  return true;
}
