import type { CriteriaSet } from '../criteria/index.ts';
import type { ProjectWithOwner } from '../domain/project.ts';
import { presentProject } from './project-json.ts';

/**
 * Every key presentProject can produce, in its order. presentProject omits empty justifications,
 * so the header is taken from a stand-in entry that has every justification set: the CSV columns
 * then follow the JSON wire shape automatically when criteria or columns change.
 */
export function projectCsvColumns(set: CriteriaSet): string[] {
  const answers = Object.fromEntries(set.ids.map((id) => [id, { status: 0 as const, justification: '-' }]));
  const standIn = {
    answers,
    tieredPercentage: 0,
    updatedAt: new Date(0),
    owner: { id: 0, name: '', nickname: null },
    additionalRightUserIds: [],
  } as unknown as ProjectWithOwner;
  return Object.keys(presentProject(set, standIn));
}

function cell(value: unknown): string {
  let text: string;
  if (value === null || value === undefined) text = '';
  else if (Array.isArray(value)) text = value.map(String).join(',');
  else if (typeof value === 'string') text = value;
  else if (typeof value === 'number' || typeof value === 'boolean') text = String(value);
  else text = JSON.stringify(value);
  // RFC 4180: quote fields containing a comma, quote or line break; double embedded quotes.
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 CSV (CRLF line ends): a header of the JSON keys, then one row per project. */
export function projectsCsv(set: CriteriaSet, projects: readonly ProjectWithOwner[]): string {
  const columns = projectCsvColumns(set);
  const lines = [columns.map(cell).join(',')];
  for (const project of projects) {
    const json = presentProject(set, project);
    lines.push(columns.map((c) => cell(json[c])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
