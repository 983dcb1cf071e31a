import type { CriteriaSet, Criterion, Level } from '../criteria/index.ts';
import { displayId } from '../criteria/index.ts';
import type { ProjectWithOwner, StoredAnswer } from '../domain/project.ts';
import { storedPercentage } from '../services/project-scores.ts';
import { STATUS, STATUS_LABELS, badgeLevelName, criterionResult, criterionRule, isEnough, sectionProgress, type CriterionResult, type CriterionRule, type StatusCode } from '../services/scoring/index.ts';

/**
 * What the maintainer reads next to a criterion: the answer combined with what the scoring engine
 * made of it, so "Met" that does not count yet never looks like a plain "Met".
 */
export const ANSWER_STATES = [
  'not_answered',
  'met',
  'met_needs_url',
  'met_needs_justification',
  'unmet',
  'unmet_accepted',
  'unmet_needs_justification',
  'na',
  'na_needs_justification',
] as const;

export type AnswerState = (typeof ANSWER_STATES)[number];

export interface StatusOptionView {
  /** The submitted value: 'Met' | 'Unmet' | 'N/A' | '?'. */
  value: string;
  /** Element id of the radio button. */
  id: string;
  /** Suffix of the `status.*` / `status_names.*` locale keys. */
  key: 'met' | 'unmet' | 'na' | 'unknown';
}

/** Everything a show or edit page renders for one level, computed once outside the template. */
export interface CriterionView {
  criterion: Criterion;
  displayId: string;
  /** Status label as submitted or stored: 'Met' | 'Unmet' | 'N/A' | '?'. */
  status: string;
  justification: string;
  result: CriterionResult;
  state: AnswerState;
  /** Whether the answer counts towards the level (the scoring engine's "enough"). */
  counts: boolean;
  statusOptions: StatusOptionView[];
  /** Answers ('met' | 'unmet' | 'na') for which this criterion asks for no justification. */
  justificationOptional: StatusOptionView['key'][];
  /** Symbol shown next to the criterion: passing ✓, barely –, failing ✗, anything else ?. */
  symbol: 'passing' | 'barely' | 'failing' | 'unknown';
  /** What the result depends on, rendered for the edit page's script to recompute it live. */
  rule: CriterionRule;
  /** Whether the criterion counts towards the level (neither future nor obsolete). */
  active: boolean;
}

export interface SectionView {
  /** Value posted by the section's save button. */
  key: string;
  /** Element id the section menu and the "save and continue" redirect point at. */
  anchor: string;
  major: string;
  /** Active criteria whose stored answers count, and all active criteria. */
  met: number;
  total: number;
  percent: number;
  /** Colour class of the section's progress bar (progressTone). */
  tone: string;
  groups: { minor: string; anchor: string; criteria: CriterionView[] }[];
  /** Criteria of the section left out by the filter. */
  hidden: number;
  /** Of those, the ones that count towards the section's progress (the script cannot see them). */
  hiddenActive: number;
}

/** `open` lists only the criteria whose answers do not count yet (unanswered included). */
export type CriteriaFilter = 'all' | 'open';

export interface LevelView {
  level: Level;
  percentage: number;
  filter: CriteriaFilter;
  sections: SectionView[];
  /** Criteria of the level whose answers do not count yet. */
  open: number;
  /** Every answer state, so the edit page can give its script the text of each. */
  answerStates: readonly AnswerState[];
}

export interface ProjectPageView {
  project: ProjectWithOwner;
  badgeLevel: string;
  /** The OSPS Baseline badge level (`in_progress` or a baseline level key), as /projects/:id/baseline shows it. */
  baselineBadgeLevel: string;
  levels: { key: string; percentage: number; series: string; tone: string }[];
  current: LevelView;
}

/** Key of the descriptive fields ("About the project") on the first metal level's edit form. */
export const PROJECT_INFO_SECTION = 'project';

const OPTION_KEYS: Record<string, StatusOptionView['key']> = { Met: 'met', Unmet: 'unmet', 'N/A': 'na', '?': 'unknown' };

function symbolOf(result: CriterionResult): CriterionView['symbol'] {
  return result === 'passing' || result === 'barely' || result === 'failing' ? result : 'unknown';
}

export function answerState(status: StatusCode, result: CriterionResult): AnswerState {
  switch (status) {
    case STATUS.met:
      if (result === 'url_required') return 'met_needs_url';
      return result === 'justification_required' ? 'met_needs_justification' : 'met';
    case STATUS.unmet:
      if (result === 'justification_required') return 'unmet_needs_justification';
      return result === 'barely' ? 'unmet_accepted' : 'unmet';
    case STATUS.na:
      return result === 'justification_required' ? 'na_needs_justification' : 'na';
    default:
      return 'not_answered';
  }
}

/**
 * The colour class of a progress bar: the colour the level's badge has at that percentage, so a
 * bar and the badge agree. Below 100 % the metal badges walk from red-orange to yellow
 * (inProgressColor in src/services/badge.ts), here in steps of ten (classes tone-0 … tone-90);
 * the baseline badges have one in-progress colour; a complete level or section takes the
 * level's own colour (tone-level). public/css/app.css holds the colours and
 * public/js/criteria-rules.js the same function for the live form; test/unit/progress-colours.test.ts
 * holds both to the badges and checks their contrast.
 */
export function progressTone(series: string, percent: number): string {
  if (percent >= 100) return 'tone-level';
  if (series === 'baseline') return 'tone-baseline';
  return `tone-${String(Math.min(90, Math.max(0, Math.floor(percent / 10) * 10)))}`;
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'section'
  );
}

/** Section keys of a level in display order; headings that slug alike get a numeric suffix. */
export function sectionKeys(level: Level): string[] {
  const seen = new Set<string>([PROJECT_INFO_SECTION]);
  return level.sections.map((section) => {
    const base = slug(section.major);
    let key = base;
    for (let n = 2; seen.has(key); n++) key = `${base}-${n}`;
    seen.add(key);
    return key;
  });
}

export function sectionAnchor(key: string): string {
  return `section-${key}`;
}

/** Whether the level's edit form starts with the descriptive fields. */
export function hasProjectInfo(level: Level): boolean {
  return level.rank === 0 && level.series === 'metal';
}

/**
 * Anchor of a section named by a submitted `section` field, or undefined when the value names no
 * section of the level's edit form (so nothing a client sends ends up in a Location header).
 */
export function editSectionAnchor(level: Level, key: unknown): string | undefined {
  if (typeof key !== 'string') return undefined;
  if (key === PROJECT_INFO_SECTION && hasProjectInfo(level)) return sectionAnchor(key);
  return sectionKeys(level).includes(key) ? sectionAnchor(key) : undefined;
}

function statusOptions(criterion: Criterion): StatusOptionView[] {
  const values = criterion.na_allowed ? ['Met', 'Unmet', 'N/A', '?'] : ['Met', 'Unmet', '?'];
  return values.map((value) => {
    const key = OPTION_KEYS[value]!;
    return { value, key, id: `${criterion.id}_status_${key}` };
  });
}

function justificationOptional(criterion: Criterion): StatusOptionView['key'][] {
  const keys: StatusOptionView['key'][] = [];
  if (criterion.met_suppress) keys.push('met');
  if (criterion.unmet_suppress) keys.push('unmet');
  if (criterion.na_allowed && criterion.na_suppress) keys.push('na');
  return keys;
}

/**
 * `input` holds a rejected submission so the form shows what the user typed, not what is stored.
 */
export function levelView(project: ProjectWithOwner, level: Level, input: Record<string, unknown> = {}, filter: CriteriaFilter = 'all'): LevelView {
  const answerFor = (c: Criterion): StoredAnswer => {
    const stored = project.answers[c.id] ?? { status: STATUS.unknown, justification: null };
    const status = input[`${c.id}_status`];
    const justification = input[`${c.id}_justification`];
    const statusCode = typeof status === 'string' ? STATUS_LABELS.indexOf(status as (typeof STATUS_LABELS)[number]) : -1;
    return {
      status: statusCode >= 0 ? (statusCode as StoredAnswer['status']) : stored.status,
      justification: typeof justification === 'string' ? justification : stored.justification,
    };
  };
  const activeCriteria = new Set(level.active);
  const criterionView = (criterion: Criterion): CriterionView => {
    const answer = answerFor(criterion);
    const result = criterionResult(criterion, answer);
    return {
      criterion,
      displayId: displayId(criterion),
      status: STATUS_LABELS[answer.status],
      justification: answer.justification ?? '',
      result,
      state: answerState(answer.status, result),
      counts: isEnough(result),
      statusOptions: statusOptions(criterion),
      justificationOptional: justificationOptional(criterion),
      symbol: symbolOf(result),
      rule: criterionRule(criterion),
      active: activeCriteria.has(criterion),
    };
  };
  const progress = sectionProgress(level, project.answers);
  const keys = sectionKeys(level);
  const groupAnchors = new Set<string>();
  let open = 0;
  const sections = level.sections.map((section, i): SectionView => {
    const met = progress[i]?.met ?? 0;
    const total = progress[i]?.total ?? 0;
    let hidden = 0;
    let hiddenActive = 0;
    const groups = section.groups.map((group) => {
      const all = group.criteria.map(criterionView);
      open += all.filter((c) => !c.counts).length;
      const shown = filter === 'open' ? all.filter((c) => !c.counts) : all;
      hidden += all.length - shown.length;
      hiddenActive += all.filter((c) => c.active && !shown.includes(c)).length;
      const base = `${sectionAnchor(keys[i]!)}-${slug(group.minor)}`;
      let anchor = base;
      for (let n = 2; groupAnchors.has(anchor); n++) anchor = `${base}-${n}`;
      groupAnchors.add(anchor);
      return { minor: group.minor, anchor, criteria: shown };
    });
    const percent = total === 0 ? 0 : Math.floor((met * 100) / total);
    return {
      key: keys[i]!,
      anchor: sectionAnchor(keys[i]!),
      major: section.major,
      met,
      total,
      percent,
      tone: progressTone(level.series, percent),
      groups: groups.filter((g) => g.criteria.length > 0),
      hidden,
      hiddenActive,
    };
  });
  return { level, percentage: storedPercentage(project, level), filter, sections, open, answerStates: ANSWER_STATES };
}

/** The filter asked for by a `show` query parameter; anything unknown shows everything. */
export function criteriaFilter(show: unknown): CriteriaFilter {
  return show === 'open' ? 'open' : 'all';
}

export function projectPageView(set: CriteriaSet, project: ProjectWithOwner, level: Level, input?: Record<string, unknown>, filter: CriteriaFilter = 'all'): ProjectPageView {
  return {
    project,
    badgeLevel: badgeLevelName(set, project.tieredPercentage),
    baselineBadgeLevel: badgeLevelName(set, project.baselineTieredPercentage, 'baseline'),
    levels: set.levels.map((l) => {
      const percentage = storedPercentage(project, l);
      return { key: l.key, percentage, series: l.series, tone: progressTone(l.series, percentage) };
    }),
    current: levelView(project, level, input, filter),
  };
}
