/**
 * Wire text of the repository files a project offers for download (routes/repo-files.ts):
 * `.bestpractices.json` and the SECURITY-INSIGHTS.yml draft. The services compute the content
 * (src/services/automation/export.ts); this module only writes it out.
 */
import YAML from 'yaml';
import { displayId, type CriteriaSet } from '../criteria/index.ts';
import type { StatusCode } from '../domain/project.ts';
import type { Translate } from '../i18n.ts';
import type { DraftNote, SecurityInsightsDraft } from '../services/automation/export.ts';

/**
 * `.bestpractices.json`: a `_source` header (the project's page, a key the detective ignores)
 * then the entries in the given order, two-space indented, ending with a newline so that the
 * committed file diffs cleanly.
 */
export function bestPracticesJsonText(source: string, entries: readonly [string, string][]): string {
  const doc: Record<string, string> = { _source: source };
  for (const [key, value] of entries) doc[key] = value;
  return `${JSON.stringify(doc, null, 2)}\n`;
}

const STATUS_KEY: Record<StatusCode, string> = { 0: 'unknown', 1: 'unmet', 2: 'na', 3: 'met' };

/** A comment's text on one line per paragraph, with the leading space YAML comments read best with. */
const comment = (text: string): string => text.split('\n').map((line) => ` ${line}`).join('\n');

function noteText(t: Translate, set: CriteriaSet, note: DraftNote): string {
  if (note.kind === 'fill_required') return t('repo_files:si.fill_required');
  if (note.kind === 'fill_file_url') return t('repo_files:si.fill_file_url');
  const answers = note.answers
    .map(({ criterion, status }) => {
      const definition = set.definitions(criterion)[0];
      const id = definition ? displayId(definition) : criterion;
      return t('repo_files:si.answer', { criterion: id, status: t(`project_form:status_names.${STATUS_KEY[status]}`) });
    })
    .join(', ');
  return t(note.kind === 'from_answers' ? 'repo_files:si.from_answers' : 'repo_files:si.fill_url', { answers });
}

/** Puts a comment above the value at `path` (a mapping key, or a list item). */
function annotate(doc: YAML.Document, path: string[], text: string): void {
  const parentPath = path.slice(0, -1);
  const last = path.at(-1)!;
  const parent = parentPath.length ? doc.getIn(parentPath, true) : doc.contents;
  if (YAML.isMap(parent)) {
    const pair = parent.items.find((p) => YAML.isScalar(p.key) && p.key.value === last);
    if (pair && YAML.isScalar(pair.key)) pair.key.commentBefore = comment(text);
  } else if (YAML.isSeq(parent)) {
    const item = parent.items[Number(last)];
    if (YAML.isNode(item)) item.commentBefore = comment(text);
  }
}

export interface DraftHeader {
  projectName: string;
  projectUrl: string;
  date: string;
}

/** The draft as YAML, every comment in the reader's language; empty values stay empty (`key:`). */
export function securityInsightsYamlText(t: Translate, set: CriteriaSet, draft: SecurityInsightsDraft, header: DraftHeader): string {
  const doc = new YAML.Document(draft.doc);
  doc.commentBefore = comment(t('repo_files:si.draft_header', { name: header.projectName, url: header.projectUrl, date: header.date }));
  for (const [path, note] of draft.notes) annotate(doc, path.split('.'), noteText(t, set, note));
  return doc.toString({ nullStr: '', lineWidth: 0 });
}
