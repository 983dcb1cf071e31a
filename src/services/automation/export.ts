/**
 * The other direction of automation: a project's answers as files a maintainer can commit, so
 * that the repository and the site stay in sync (issue 11 item 7).
 *
 * - `.bestpractices.json`: exactly what the repo-json detective reads back (repo-json.ts): the
 *   internal field names (the spelling the detective prefers when a file has both), statuses as
 *   Met / Unmet / N/A, unknown answers and the computed prerequisites left out, keys in the
 *   criteria order.
 * - A SECURITY-INSIGHTS.yml (version 2) draft: our Security Insights rule file read backwards.
 *   A fact is written only when an answer supports a rule that reads it, and only when the file
 *   with that fact, read forwards by the same rules, proposes nothing that contradicts a known
 *   answer. Values we cannot know (addresses of documents, people) stay empty for the maintainer
 *   to fill in; an empty value proposes nothing.
 *
 * Pure: the presenter (src/presenters/repo-files-export.ts) turns the results into text.
 */
import YAML from 'yaml';
import type { CriteriaSet } from '../../criteria/index.ts';
import type { Project, StatusCode } from '../../domain/project.ts';
import { loadSecurityInsightsRules, securityInsightsProposals, type SecurityInsightsRule } from './security-insights.ts';

const STATUS_WORD: Record<Exclude<StatusCode, 0>, string> = { 1: 'Unmet', 2: 'N/A', 3: 'Met' };

/** The descriptive fields the detective reads, in the order the file lists them. */
const DESCRIPTIVE: [field: string, column: keyof Pick<Project, 'name' | 'description' | 'license' | 'implementationLanguages' | 'cpe' | 'generalComments'>][] = [
  ['name', 'name'],
  ['description', 'description'],
  ['license', 'license'],
  ['implementation_languages', 'implementationLanguages'],
  ['cpe', 'cpe'],
  ['general_comments', 'generalComments'],
];

export type AnswerExportProject = Pick<Project, 'id' | 'name' | 'description' | 'license' | 'implementationLanguages' | 'cpe' | 'generalComments' | 'answers'>;

/**
 * The `.bestpractices.json` entries in file order: descriptive fields first, then each known
 * criterion's status and (when there is one) its justification, in the order of the criteria.
 * Text is trimmed, as the detective trims it when reading.
 */
export function bestPracticesJsonEntries(set: CriteriaSet, project: AnswerExportProject): [string, string][] {
  const entries: [string, string][] = [];
  for (const [field, column] of DESCRIPTIVE) {
    const value = project[column]?.trim();
    if (value) entries.push([field, value]);
  }
  for (const id of set.ids) {
    // "Achieved the previous level" is the site's own computation, not an answer to commit.
    if (set.definitions(id).some((c) => c.prerequisite)) continue;
    const answer = project.answers[id];
    if (!answer || answer.status === 0) continue;
    entries.push([`${id}_status`, STATUS_WORD[answer.status]]);
    const justification = answer.justification?.trim();
    if (justification) entries.push([`${id}_justification`, justification]);
  }
  return entries;
}

// ---------------------------------------------------------------------------------------------
// Security Insights draft

/** Why a value is in the draft, for the comment the presenter writes next to it. */
export type DraftNote =
  /** Written from these answers (criterion ids and the status each has). */
  | { kind: 'from_answers'; answers: { criterion: string; status: StatusCode }[] }
  /** Left empty: an address only the maintainer knows; it would support these answers. */
  | { kind: 'fill_url'; answers: { criterion: string; status: StatusCode }[] }
  /** Left empty: the format requires it and the answers do not say. */
  | { kind: 'fill_required' }
  /** Left empty: this file's own address in the repository. */
  | { kind: 'fill_file_url' };

export interface SecurityInsightsDraft {
  /** The YAML document as plain data (mappings, lists, scalars; null for an empty value). */
  doc: Record<string, unknown>;
  /** Notes by dot path into `doc` (list items by index, e.g. `repository.security.tools.0`). */
  notes: Map<string, DraftNote>;
}

export type DraftProject = Pick<Project, 'name' | 'homepageUrl' | 'repoUrl' | 'license' | 'answers'>;

/** Version 2 of the format keeps everything under these roots; rules for version 1 are skipped. */
const V2_ROOTS = new Set(['project', 'repository']);

/** Values for `contains` rules: a real predicate URI containing the text the rule looks for. */
const CONTAINS_SAMPLE: Record<string, string> = {
  slsa: 'https://slsa.dev/provenance/v1',
  spdx: 'https://spdx.dev/Document',
};

const URL_IN_TEXT = /https?:\/\/[^\s<>"'`)\]]+/;

type Tree = Record<string, unknown>;

const isTree = (v: unknown): v is Tree => typeof v === 'object' && v !== null && !Array.isArray(v);

function at(doc: Tree, path: string[]): unknown {
  let node: unknown = doc;
  for (const key of path) {
    if (!isTree(node)) return undefined;
    node = node[key];
  }
  return node;
}

/** Sets a value at a dot path, creating mappings on the way; refuses to replace a value. */
function put(doc: Tree, path: string[], value: unknown): boolean {
  let node = doc;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (next === undefined || next === null) node[key] = {};
    else if (!isTree(next)) return false;
    node = node[key] as Tree;
  }
  const last = path.at(-1)!;
  if (node[last] !== undefined && node[last] !== null) return false;
  node[last] = value;
  return true;
}

const clone = (doc: Tree): Tree => structuredClone(doc);

const RULE_STATUS: Record<SecurityInsightsRule['status'], StatusCode> = { met: 3, unmet: 1, na: 2 };

/** The one value that makes a rule match, or `url` when it needs an address we may not know. */
function valueFor(rule: SecurityInsightsRule): { value: unknown } | 'url' {
  const when = rule.when;
  if (!when) return 'url';
  if ('equals' in when) return { value: when.equals };
  if ('one_of' in when) return { value: when.one_of[0] };
  return { value: CONTAINS_SAMPLE[when.contains.toLowerCase()] ?? when.contains };
}

/**
 * A Security Insights (version 2) draft from the project's answers. `today` is the date written
 * into the header (YYYY-MM-DD).
 */
export function securityInsightsDraft(rules: readonly SecurityInsightsRule[], project: DraftProject, today: string): SecurityInsightsDraft {
  const notes = new Map<string, DraftNote>();
  const known = (criterion: string): StatusCode => project.answers[criterion]?.status ?? 0;

  const doc: Tree = {
    header: { 'schema-version': '2.0.0', 'last-updated': today, 'last-reviewed': today, url: null },
    project: {
      name: project.name?.trim() || null,
      homepage: project.homepageUrl || null,
      repositories: [{ name: project.name?.trim() || null, url: project.repoUrl || null }],
      administrators: null,
      'vulnerability-reporting': { 'reports-accepted': null, 'bug-bounty-available': null },
    },
    repository: {
      url: project.repoUrl || null,
      status: null,
      'accepts-change-request': null,
      'accepts-automated-change-request': null,
      'core-team': null,
      license: { url: null, expression: project.license?.trim() || null },
    },
  };
  notes.set('header.url', { kind: 'fill_file_url' });
  if (!project.name?.trim()) notes.set('project.name', { kind: 'fill_required' });
  for (const path of ['project.administrators', 'repository.core-team', 'repository.accepts-change-request', 'repository.accepts-automated-change-request', 'repository.license.url']) {
    notes.set(path, { kind: 'fill_required' });
  }

  /** Reading the document forwards proposes nothing against a known answer. */
  const consistent = (candidate: Tree): boolean => {
    const result = securityInsightsProposals(YAML.stringify(candidate), rules, { name: 'SECURITY-INSIGHTS.yml' });
    if (!result.ok) return false;
    return Object.entries(result.proposals).every(([field, proposal]) => {
      const answer = known(field.slice(0, -'_status'.length));
      return answer === 0 || proposal.value === answer;
    });
  };

  const supporters = new Map<string, { criterion: string; status: StatusCode }[]>();
  const noteAnswer = (path: string, kind: 'from_answers' | 'fill_url', rule: SecurityInsightsRule) => {
    const list = supporters.get(path) ?? [];
    if (!list.some((a) => a.criterion === rule.criterion)) list.push({ criterion: rule.criterion, status: RULE_STATUS[rule.status] });
    supporters.set(path, list);
    const existing = notes.get(path);
    // A value written from answers keeps that note; a placeholder may become a value.
    if (!existing || existing.kind !== 'from_answers' || kind === 'from_answers') notes.set(path, { kind, answers: list });
  };

  for (const rule of rules) {
    const path = rule.path.split('.');
    if (!V2_ROOTS.has(path[0]!)) continue;
    if (known(rule.criterion) !== RULE_STATUS[rule.status]) continue;
    const wanted = valueFor(rule);

    if (rule.items) {
      if (wanted === 'url') continue;
      const candidate = clone(doc);
      const current = at(candidate, path);
      const list: Tree[] = Array.isArray(current) ? (current as Tree[]) : [];
      if (!Array.isArray(current) && !put(candidate, path, list)) continue;
      const fieldPath = rule.items.field.split('.');
      let index = list.findIndex((item) => at(item, fieldPath) === wanted.value);
      if (index < 0) {
        const item: Tree = {};
        put(item, fieldPath, wanted.value);
        // Tools and attestations need a name in the format; the maintainer gives it.
        if (rule.items.field !== 'name') item.name = null;
        list.push(item);
        index = list.length - 1;
      }
      const item = list[index]!;
      if (rule.items.also) {
        const alsoPath = rule.items.also.split('.');
        if (at(item, alsoPath) !== true) {
          // Replaces a placeholder only; a value another rule wrote stays.
          const parent = at(item, alsoPath.slice(0, -1));
          if (alsoPath.length > 1 && parent !== undefined && !isTree(parent)) continue;
          put(item, alsoPath, true);
        }
      }
      if (!consistent(candidate)) continue;
      Object.assign(doc, candidate);
      const itemPath = `${rule.path}.${index}`;
      noteAnswer(itemPath, 'from_answers', rule);
      if (item.name === null) notes.set(`${itemPath}.name`, { kind: 'fill_required' });
      continue;
    }

    if (wanted === 'url') {
      // The address the justification gives, else an empty value for the maintainer.
      const url = URL_IN_TEXT.exec(project.answers[rule.criterion]?.justification ?? '')?.[0];
      const existing = at(doc, path);
      if (url && (existing === undefined || existing === null)) {
        const candidate = clone(doc);
        if (put(candidate, path, url) && consistent(candidate)) {
          Object.assign(doc, candidate);
          noteAnswer(rule.path, 'from_answers', rule);
          continue;
        }
      }
      if (existing === undefined && put(doc, path, null)) noteAnswer(rule.path, 'fill_url', rule);
      else if (existing === null) noteAnswer(rule.path, 'fill_url', rule);
      else if (existing === url) noteAnswer(rule.path, 'from_answers', rule);
      continue;
    }

    const existing = at(doc, path);
    if (existing !== undefined && existing !== null) {
      if (existing === wanted.value) noteAnswer(rule.path, 'from_answers', rule);
      continue;
    }
    const candidate = clone(doc);
    if (!put(candidate, path, wanted.value) || !consistent(candidate)) continue;
    Object.assign(doc, candidate);
    noteAnswer(rule.path, 'from_answers', rule);
  }

  // Placeholders the format requires that no answer filled.
  for (const path of ['project.vulnerability-reporting.reports-accepted', 'project.vulnerability-reporting.bug-bounty-available', 'repository.status']) {
    if (at(doc, path.split('.')) === null && !notes.has(path)) notes.set(path, { kind: 'fill_required' });
  }
  return { doc, notes };
}

let rulesCache: readonly SecurityInsightsRule[] | undefined;

/** Our Security Insights rule file, loaded once (validated again here: the same loader as start-up). */
export function exportSecurityInsightsRules(): readonly SecurityInsightsRule[] {
  rulesCache ??= loadSecurityInsightsRules();
  return rulesCache;
}
