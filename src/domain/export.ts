import type { ProjectWithOwner } from './project.ts';

/**
 * Position after the last exported row. `createdAt` is PostgreSQL's own text form of the
 * timestamp, so the microseconds survive (a JS Date would round them to milliseconds and the
 * next batch would repeat or skip rows).
 */
export interface ExportCursor {
  createdAt: string;
  id: number;
}

export interface ExportBatch {
  projects: ProjectWithOwner[];
  /** Where the next batch starts; null when this batch was the last one. */
  next: ExportCursor | null;
}
