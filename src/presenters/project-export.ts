import type { CriteriaSet } from '../criteria/index.ts';
import type { ProjectWithOwner } from '../domain/project.ts';
import type { ExportFormat } from '../services/export.ts';
import { projectsCsv } from './project-csv.ts';
import { projectJsonText } from './project-json.ts';

/**
 * The bulk export as text chunks: one per batch, then the closing chunk. Lazy: the next batch is
 * taken only when the next chunk is asked for.
 */
export async function* exportChunks(batches: AsyncIterable<readonly ProjectWithOwner[]>, set: CriteriaSet, format: ExportFormat): AsyncGenerator<string> {
  let first = true;
  for await (const projects of batches) {
    if (format === 'json') {
      if (projects.length > 0) {
        const items = projects.map((p) => projectJsonText(set, p)).join(',');
        yield `${first ? '[' : ','}${items}`;
        first = false;
      }
    } else {
      // projectsCsv always starts with the header line (no line break inside it); keep it once.
      const text = projectsCsv(set, projects);
      const body = first ? text : text.slice(text.indexOf('\r\n') + 2);
      if (body !== '') yield body;
      first = false;
    }
  }
  if (format === 'json') yield first ? '[]' : ']';
}
