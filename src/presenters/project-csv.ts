import type { CriteriaSet } from '../criteria/index.ts';
import type { ProjectWithOwner } from '../domain/project.ts';
import { csvLines } from './csv.ts';
import { presentProject } from './project-json.ts';

/**
 * Every key presentProject can produce, in its order. presentProject omits empty justifications,
 * so the header is taken from a stand-in entry that has every justification set: the CSV columns
 * then follow the JSON wire shape automatically when criteria or columns change.
 */
const columnsBySet = new WeakMap<CriteriaSet, string[]>();

export function projectCsvColumns(set: CriteriaSet): string[] {
  const cached = columnsBySet.get(set);
  if (cached) return cached;
  const answers = Object.fromEntries(set.ids.map((id) => [id, { status: 0 as const, justification: '-' }]));
  const standIn = {
    answers,
    tieredPercentage: 0,
    updatedAt: new Date(0),
    owner: { id: 0, name: '', nickname: null },
    additionalRightUserIds: [],
  } as unknown as ProjectWithOwner;
  const columns = Object.keys(presentProject(set, standIn));
  // Computed once per criteria set: every CSV page and export batch uses the same header.
  columnsBySet.set(set, columns);
  return columns;
}

/** CSV (src/presenters/csv.ts): a header of the JSON keys, then one row per project. */
export function projectsCsv(set: CriteriaSet, projects: readonly ProjectWithOwner[]): string {
  const columns = projectCsvColumns(set);
  const rows: unknown[][] = [columns];
  for (const project of projects) {
    const json = presentProject(set, project);
    rows.push(columns.map((c) => json[c]));
  }
  return csvLines(rows);
}
