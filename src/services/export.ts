import type { ExportRepo } from '../db/export.ts';
import type { ExportCursor } from '../domain/export.ts';
import type { ProjectWithOwner } from '../domain/project.ts';
import type { ServiceContext } from './context.ts';

/**
 * Bulk export of every live project (GET /projects.json?all=1, /projects.csv?all=1).
 *
 * Memory stays constant: the rows are read in keyset batches of EXPORT_BATCH_SIZE and each batch
 * becomes one chunk (src/presenters/project-export.ts) that is written (waiting for 'drain' when
 * the socket is full) before the next batch is read. A client that goes away stops the reading.
 */
export const EXPORT_BATCH_SIZE = 500;

export type ExportFormat = 'json' | 'csv';

/** Where the chunks go; `write` resolves false once the receiver has gone away. */
export interface ExportSink {
  write(chunk: string): Promise<boolean>;
}

/** Parameters of an export request: exactly `all=1`, nothing else. */
export function parseExportQuery(rawSearch: string): { ok: true } | { ok: false; details: Record<string, string> } {
  const entries = [...new URLSearchParams(rawSearch)];
  const all = entries.filter(([k]) => k === 'all');
  if (all.length === 1 && all[0]![1] === '1' && entries.length === 1) return { ok: true };
  const details: Record<string, string> = {};
  if (all.length !== 1 || all[0]![1] !== '1') details.all = 'exactly one all=1';
  for (const [k] of entries) if (k !== 'all') details[k] = 'cannot be combined with all=1 (the export has no filters or paging)';
  return { ok: false, details };
}

/**
 * Every live project in keyset batches of EXPORT_BATCH_SIZE. Lazy: a batch is read only when the
 * previous one has been taken, so a slow or departed reader stops the reading.
 */
export async function* exportBatches(source: Pick<ExportRepo, 'batch'>): AsyncGenerator<ProjectWithOwner[]> {
  let cursor: ExportCursor | null = null;
  for (;;) {
    const batch = await source.batch(cursor, EXPORT_BATCH_SIZE);
    yield batch.projects;
    if (batch.next === null) return;
    cursor = batch.next;
  }
}

/** The bulk export of the service context's database (see exportBatches). */
export function projectExportBatches(ctx: ServiceContext): AsyncGenerator<ProjectWithOwner[]> {
  return exportBatches(ctx.db.export);
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
