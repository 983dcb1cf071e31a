import type { CriteriaSet } from '../criteria/index.ts';
import { type ExportRepo } from '../db/export.ts';
import type { ExportCursor } from '../domain/export.ts';
import { projectsCsv } from '../presenters/project-csv.ts';
import { presentProject } from '../presenters/project-json.ts';

/**
 * Bulk export of every live project (GET /projects.json?all=1, /projects.csv?all=1).
 *
 * Memory stays constant: the rows are read in keyset batches of EXPORT_BATCH_SIZE and each batch
 * becomes one chunk that is written (waiting for 'drain' when the socket is full) before the next
 * batch is read. A client that goes away stops the reading.
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

/** The export as chunks: one per batch, then the closing chunk. Lazy: nothing is read ahead. */
export async function* exportChunks(repo: ExportRepo, set: CriteriaSet, format: ExportFormat): AsyncGenerator<string> {
  let cursor: ExportCursor | null = null;
  let first = true;
  for (;;) {
    const batch = await repo.batch(cursor, EXPORT_BATCH_SIZE);
    if (format === 'json') {
      if (batch.projects.length > 0) {
        const items = batch.projects.map((p) => JSON.stringify(presentProject(set, p))).join(',');
        yield `${first ? '[' : ','}${items}`;
        first = false;
      }
    } else {
      // projectsCsv always starts with the header line (no line break inside it); keep it once.
      const text = projectsCsv(set, batch.projects);
      const body = first ? text : text.slice(text.indexOf('\r\n') + 2);
      if (body !== '') yield body;
      first = false;
    }
    if (batch.next === null) break;
    cursor = batch.next;
  }
  if (format === 'json') yield first ? '[]' : ']';
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
