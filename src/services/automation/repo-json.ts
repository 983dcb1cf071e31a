/**
 * `.bestpractices.json`: a project's own answers committed to its repository. The format is the
 * project JSON our API serves (`/projects/:id.json`), so a maintainer can download it, keep what
 * is true and commit it; keys we do not know (id, badge_level, …) are ignored.
 *
 * Decision on upstream's quirk: upstream accepts only internal field names, so the baseline keys
 * its own API exports (`OSPS-AC-01.01_status`) are silently ignored and a round trip loses every
 * baseline answer. We accept both spellings (`osps_ac_01_01_status` and `OSPS-AC-01.01_status`).
 *
 * The text is untrusted: size-capped by the caller, parsed with JSON.parse, only own keys of a
 * top-level object read, every value checked like form input (text rules and limits); this
 * module never throws.
 */
import { displayId, type CriteriaSet } from '../../criteria/index.ts';
import type { FieldName, Proposals } from '../../domain/automation.ts';
import type { StatusCode } from '../../domain/project.ts';
import { textProblem, type TextKind } from '../../domain/text.ts';
import { explain, MET, NA, propose, UNMET } from './detectives/common.ts';

/** Below forcing: the file is the project's own statement, but a person on the site may know better. */
export const REPO_JSON_CONFIDENCE = 3.5;
export const REPO_JSON_MAX_BYTES = 50 * 1024;

const LONG = 8192;
const SHORT = 254;
const DESCRIPTIVE: Record<string, { kind: TextKind; max: number }> = {
  name: { kind: 'line', max: SHORT },
  description: { kind: 'multiline', max: LONG },
  license: { kind: 'line', max: SHORT },
  implementation_languages: { kind: 'line', max: SHORT },
  cpe: { kind: 'line', max: SHORT },
  general_comments: { kind: 'multiline', max: LONG },
};

/** Accepted key → our field name, built once from the criteria. */
export type RepoJsonKeys = ReadonlyMap<string, FieldName>;

export function repoJsonKeys(set: CriteriaSet): RepoJsonKeys {
  const keys = new Map<string, FieldName>();
  for (const field of Object.keys(DESCRIPTIVE)) keys.set(field, field);
  for (const id of set.ids) {
    const shown = displayId(set.definitions(id)[0]!);
    for (const suffix of ['_status', '_justification']) {
      keys.set(`${id}${suffix}`, `${id}${suffix}`);
      keys.set(`${shown}${suffix}`, `${id}${suffix}`);
    }
  }
  return keys;
}

/** Met / Unmet / N/A in any case (also "na" and the codes 1–3); "?", "unknown" and the rest: none. */
export function parseStatus(value: unknown): StatusCode | undefined {
  if (value === 1 || value === 2 || value === 3) return value;
  if (typeof value !== 'string') return undefined;
  switch (value.trim().toLowerCase()) {
    case 'met':
      return MET;
    case 'unmet':
      return UNMET;
    case 'n/a':
    case 'na':
      return NA;
    default:
      return undefined;
  }
}

function cleanText(value: unknown, kind: TextKind, max: number): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text === '' || text.length > max || textProblem(text, kind) !== null) return undefined;
  return text;
}

export type RepoJsonResult = { ok: true; proposals: Proposals } | { ok: false; error: 'too_large' | 'json' | 'not_an_object' };

export function bestPracticesJsonProposals(
  text: string,
  keys: RepoJsonKeys,
  file: { name: string; url?: string },
): RepoJsonResult {
  if (text.length > REPO_JSON_MAX_BYTES) return { ok: false, error: 'too_large' };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { ok: false, error: 'json' };
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return { ok: false, error: 'not_an_object' };
  const record = doc as Record<string, unknown>;

  // Collect first, so a status can carry its justification whatever the key order.
  const values = new Map<FieldName, unknown>();
  for (const key of Object.keys(record)) {
    const field = keys.get(key);
    // The internal spelling wins when a file carries both.
    if (field && (!values.has(field) || key === field)) values.set(field, record[key]);
  }

  const proposals: Proposals = {};
  for (const [field, value] of values) {
    if (field.endsWith('_status')) {
      const status = parseStatus(value);
      if (status === undefined) continue;
      const justification = cleanText(values.get(`${field.slice(0, -'_status'.length)}_justification`), 'multiline', LONG);
      const why = justification
        ? explain('repo_json.with_justification', { file: file.name, justification })
        : explain('repo_json.from_file', { file: file.name });
      proposals[field] = propose(status, REPO_JSON_CONFIDENCE, why, file.url);
    } else if (field.endsWith('_justification')) {
      const justification = cleanText(value, 'multiline', LONG);
      if (justification) proposals[field] = propose(justification, REPO_JSON_CONFIDENCE, explain('repo_json.from_file', { file: file.name }), file.url);
    } else {
      const rule = DESCRIPTIVE[field]!;
      const clean = cleanText(value, rule.kind, rule.max);
      if (clean) proposals[field] = propose(clean, REPO_JSON_CONFIDENCE, explain('repo_json.from_file', { file: file.name }), file.url);
    }
  }
  return { ok: true, proposals };
}
