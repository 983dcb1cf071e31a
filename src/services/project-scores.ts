import type { CriteriaSet, Level, Series } from '../criteria/index.ts';
import type { Project, ProjectChanges } from '../domain/project.ts';
import type { ScoreResult, ScoreState } from './scoring/index.ts';

/**
 * The projects table keeps upstream's fixed score columns (part of the JSON wire shape), one per
 * rank in each series. Levels are matched to columns by series and rank, never by name, so
 * criteria files stay the single source of truth for what a level is called.
 */
type PercentColumn =
  | 'badgePercentage0' | 'badgePercentage1' | 'badgePercentage2'
  | 'badgePercentageBaseline1' | 'badgePercentageBaseline2' | 'badgePercentageBaseline3';

interface TimestampColumns {
  achieved: keyof Project & `achieved${string}At`;
  first: keyof Project & `firstAchieved${string}At`;
  lost: keyof Project & `lost${string}At`;
  saved: keyof Project & `${string}Saved`;
}

const COLUMNS: Record<Series, { percent: PercentColumn; ts: TimestampColumns }[]> = {
  metal: [
    { percent: 'badgePercentage0', ts: { achieved: 'achievedPassingAt', first: 'firstAchievedPassingAt', lost: 'lostPassingAt', saved: 'passingSaved' } },
    { percent: 'badgePercentage1', ts: { achieved: 'achievedSilverAt', first: 'firstAchievedSilverAt', lost: 'lostSilverAt', saved: 'silverSaved' } },
    { percent: 'badgePercentage2', ts: { achieved: 'achievedGoldAt', first: 'firstAchievedGoldAt', lost: 'lostGoldAt', saved: 'goldSaved' } },
  ],
  baseline: [
    { percent: 'badgePercentageBaseline1', ts: { achieved: 'achievedBaseline1At', first: 'firstAchievedBaseline1At', lost: 'lostBaseline1At', saved: 'baseline1Saved' } },
    { percent: 'badgePercentageBaseline2', ts: { achieved: 'achievedBaseline2At', first: 'firstAchievedBaseline2At', lost: 'lostBaseline2At', saved: 'baseline2Saved' } },
    { percent: 'badgePercentageBaseline3', ts: { achieved: 'achievedBaseline3At', first: 'firstAchievedBaseline3At', lost: 'lostBaseline3At', saved: 'baseline3Saved' } },
  ],
};

function columnsOf(level: Level): { percent: PercentColumn; ts: TimestampColumns } {
  const columns = COLUMNS[level.series][level.rank];
  if (!columns) throw new Error(`No storage columns for ${level.series} level of rank ${level.rank}`);
  return columns;
}

/** Start-up check: every level in the criteria files has somewhere to store its score. */
export function assertScoreColumns(set: CriteriaSet): void {
  set.levels.forEach(columnsOf);
}

export function storedPercentage(project: Pick<Project, PercentColumn>, level: Level): number {
  return project[columnsOf(level).percent] ?? 0;
}

export function scoreStateOf(set: CriteriaSet, project: Project): ScoreState {
  const state: ScoreState = { percentages: {}, timestamps: {} };
  for (const level of set.levels) {
    const { percent, ts } = columnsOf(level);
    state.percentages[level.key] = project[percent];
    state.timestamps[level.key] = {
      achievedAt: project[ts.achieved],
      firstAchievedAt: project[ts.first],
      lostAt: project[ts.lost],
    };
  }
  return state;
}

/** An empty state for a project that does not exist yet (percentages 0, so gains are recorded). */
export function initialScoreState(set: CriteriaSet): ScoreState {
  const state: ScoreState = { percentages: {}, timestamps: {} };
  for (const level of set.levels) {
    state.percentages[level.key] = 0;
    state.timestamps[level.key] = { achievedAt: null, firstAchievedAt: null, lostAt: null };
  }
  return state;
}

export function scoreChanges(set: CriteriaSet, result: ScoreResult): ProjectChanges {
  const changes: ProjectChanges = {
    answers: { ...result.answers },
    tieredPercentage: result.tieredPercentage,
    baselineTieredPercentage: result.baselineTieredPercentage,
  };
  for (const level of set.levels) {
    const { percent, ts } = columnsOf(level);
    const times = result.timestamps[level.key];
    changes[percent] = result.percentages[level.key] ?? 0;
    if (times) {
      changes[ts.achieved] = times.achievedAt;
      changes[ts.first] = times.firstAchievedAt;
      changes[ts.lost] = times.lostAt;
    }
  }
  return changes;
}

export function savedFlag(level: Level): TimestampColumns['saved'] {
  return columnsOf(level).ts.saved;
}
