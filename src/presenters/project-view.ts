import type { CriteriaSet, Criterion, Level } from '../criteria/index.ts';
import { displayId } from '../criteria/index.ts';
import type { ProjectWithOwner, StoredAnswer } from '../domain/project.ts';
import { storedPercentage } from '../services/project-scores.ts';
import { STATUS, STATUS_LABELS, badgeLevelName, criterionResult, sectionProgress, type CriterionResult } from '../services/scoring/index.ts';

/** Everything a show or edit page renders for one level, computed once outside the template. */
export interface CriterionView {
  criterion: Criterion;
  displayId: string;
  /** Status label as submitted or stored: 'Met' | 'Unmet' | 'N/A' | '?'. */
  status: string;
  justification: string;
  result: CriterionResult;
  statusOptions: string[];
  /** Symbol shown next to the criterion: passing ✓, barely –, failing ✗, anything else ?. */
  symbol: 'passing' | 'barely' | 'failing' | 'unknown';
}

export interface LevelView {
  level: Level;
  percentage: number;
  sections: { major: string; met: number; total: number; groups: { minor: string; criteria: CriterionView[] }[] }[];
}

export interface ProjectPageView {
  project: ProjectWithOwner;
  badgeLevel: string;
  levels: { key: string; percentage: number; series: string }[];
  current: LevelView;
}

function symbolOf(result: CriterionResult): CriterionView['symbol'] {
  return result === 'passing' || result === 'barely' || result === 'failing' ? result : 'unknown';
}

/**
 * `input` holds a rejected submission so the form shows what the user typed, not what is stored.
 */
export function levelView(project: ProjectWithOwner, level: Level, input: Record<string, unknown> = {}): LevelView {
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
  const progress = sectionProgress(level, project.answers);
  return {
    level,
    percentage: storedPercentage(project, level),
    sections: level.sections.map((section, i) => ({
      major: section.major,
      met: progress[i]?.met ?? 0,
      total: progress[i]?.total ?? 0,
      groups: section.groups.map((group) => ({
        minor: group.minor,
        criteria: group.criteria.map((criterion) => {
          const answer = answerFor(criterion);
          const result = criterionResult(criterion, answer);
          return {
            criterion,
            displayId: displayId(criterion),
            status: STATUS_LABELS[answer.status],
            justification: answer.justification ?? '',
            result,
            statusOptions: criterion.na_allowed ? ['Met', 'Unmet', 'N/A', '?'] : ['Met', 'Unmet', '?'],
            symbol: symbolOf(result),
          };
        }),
      })),
    })),
  };
}

export function projectPageView(set: CriteriaSet, project: ProjectWithOwner, level: Level, input?: Record<string, unknown>): ProjectPageView {
  return {
    project,
    badgeLevel: badgeLevelName(set, project.tieredPercentage),
    levels: set.levels.map((l) => ({ key: l.key, percentage: storedPercentage(project, l), series: l.series })),
    current: levelView(project, level, input),
  };
}
