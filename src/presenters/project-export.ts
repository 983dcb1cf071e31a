import type { CriteriaSet } from '../criteria/index.ts';
import type { ProjectWithOwner } from '../domain/project.ts';
import type { ExportFormat } from '../services/export.ts';
import { projectsCsv } from './project-csv.ts';
import { projectJsonText } from './project-json.ts';

/**
 * Chunks of about this many characters. Strings this small die young: the collector frees them
 * in its cheap young-generation pass. A chunk per 500-project batch (several MB) was allocated
 * straight into the old generation, which is collected only when it has grown a lot, and the
 * process grew by 300+ MB during a full export (docs/performance.md).
 */
export const EXPORT_CHUNK_CHARS = 64 * 1024;

/**
 * The bulk export as text chunks of about EXPORT_CHUNK_CHARS, then the closing chunk. Lazy: the
 * next batch is taken only when its first chunk is asked for.
 */
export async function* exportChunks(batches: AsyncIterable<readonly ProjectWithOwner[]>, set: CriteriaSet, format: ExportFormat): AsyncGenerator<string> {
  let first = true;
  let pending: string[] = [];
  let size = 0;
  const take = (): string => {
    const text = pending.join('');
    pending = [];
    size = 0;
    return text;
  };
  for await (const projects of batches) {
    for (const project of projects) {
      let text: string;
      if (format === 'json') {
        text = `${first ? '[' : ','}${projectJsonText(set, project)}`;
      } else {
        // projectsCsv always starts with the header line (no line break inside it); keep it once.
        const csv = projectsCsv(set, [project]);
        text = first ? csv : csv.slice(csv.indexOf('\r\n') + 2);
      }
      first = false;
      pending.push(text);
      size += text.length;
      if (size >= EXPORT_CHUNK_CHARS) yield take();
    }
    if (size > 0) yield take();
  }
  if (format === 'json') yield first ? '[]' : ']';
  else if (first) yield projectsCsv(set, []);
}
