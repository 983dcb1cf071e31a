import { displayId, type CriteriaSet } from '../criteria/index.ts';
import type { ProjectChangeRecord } from '../domain/project.ts';

/** The most changes the history page and its JSON show. */
export const HISTORY_LIMIT = 100;

export interface FieldChangeView {
  field: string;
  /** Display id of the criterion the field belongs to, when it is an answer field. */
  criterionId: string | null;
  /** 'status' or 'justification' for answer fields, otherwise null. */
  part: 'status' | 'justification' | null;
  old: string | null;
  new: string | null;
}

export interface ChangeView {
  id: number;
  kind: string;
  adminOverride: boolean;
  userId: number | null;
  userName: string | null;
  createdAt: Date;
  fields: FieldChangeView[];
}

function asText(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

const ANSWER_FIELD = /^(.+)_(status|justification)$/;

export function historyView(set: CriteriaSet, records: ProjectChangeRecord[]): ChangeView[] {
  const criterionDisplay = (field: string): { criterionId: string | null; part: FieldChangeView['part'] } => {
    const match = ANSWER_FIELD.exec(field);
    if (!match) return { criterionId: null, part: null };
    const definition = set.definitions(match[1]!)[0];
    if (!definition) return { criterionId: null, part: null };
    return { criterionId: displayId(definition), part: match[2] as 'status' | 'justification' };
  };
  return records.map((r) => ({
    id: r.id,
    kind: r.kind,
    adminOverride: r.kind === 'admin_override',
    userId: r.userId,
    userName: r.userName,
    createdAt: r.createdAt,
    fields: Object.entries(r.changes).map(([field, [before, after]]) => ({
      field,
      ...criterionDisplay(field),
      old: asText(before),
      new: asText(after),
    })),
  }));
}

export interface ChangeJson {
  id: number;
  kind: string;
  user_id: number | null;
  user_name: string | null;
  created_at: string;
  changes: Record<string, { old: unknown; new: unknown }>;
}

/** Wire shape of GET /projects/:id/history.json (newest first, as the repository returns them). */
export function historyJson(records: ProjectChangeRecord[]): ChangeJson[] {
  return records.map((r) => ({
    id: r.id,
    kind: r.kind,
    user_id: r.userId,
    user_name: r.userName,
    created_at: r.createdAt.toISOString(),
    changes: Object.fromEntries(Object.entries(r.changes).map(([field, [before, after]]) => [field, { old: before ?? null, new: after ?? null }])),
  }));
}
