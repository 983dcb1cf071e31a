import type { CriteriaSet, Level, Series } from '../../criteria/index.ts';
import { badgeLevelFromTiered, tieredPercentage } from './badge.ts';
import { levelPercentage } from './level.ts';
import { STATUS, type Answer, type Answers } from './status.ts';

export interface LevelTimestamps {
  achievedAt: Date | null;
  firstAchievedAt: Date | null;
  lostAt: Date | null;
}

/** Persisted scoring state, keyed by level key. A null (or missing) percentage was never computed. */
export interface ScoreState {
  percentages: Record<string, number | null>;
  timestamps: Record<string, LevelTimestamps>;
}

export interface ScoreResult extends ScoreState {
  /** The input answers with every prerequisite criterion set to Met/Unmet (justification kept). */
  answers: Answers;
  percentages: Record<string, number>;
  /** Metal series, 0..100 * levels (300 = gold). */
  tieredPercentage: number;
  /** Same formula over the baseline series; 0 when it has no levels. */
  baselineTieredPercentage: number;
  /** 'in_progress' or the key of the highest metal level reached. */
  badgeLevel: string;
  /** 'in_progress' or the key of the highest baseline level reached (see computeScores). */
  baselineBadgeLevel: string;
}

const NO_TIMESTAMPS: LevelTimestamps = { achievedAt: null, firstAchievedAt: null, lostAt: null };

/**
 * Transition timestamps of one level (§4.6). Nothing changes when the old percentage is unknown
 * (null), so the first computation of a level, e.g. after a level is added, records no event.
 */
export function nextTimestamps(
  current: LevelTimestamps,
  oldPct: number | null,
  newPct: number,
  now: Date,
): LevelTimestamps {
  if (oldPct === null) return current;
  if (newPct >= 100 && oldPct < 100) {
    return { ...current, achievedAt: now, firstAchievedAt: current.firstAchievedAt ?? now };
  }
  if (newPct < 100 && oldPct >= 100) return { ...current, lostAt: now };
  return current;
}

/** The level's prerequisite pseudo-criterion (e.g. "achieved the previous level"), if any. */
function prerequisiteOf(level: Level): string | undefined {
  return level.criteria.find((c) => c.prerequisite)?.id;
}

/** The series present in the set, in the set's own order (metal first). */
function seriesOf(set: CriteriaSet): Series[] {
  return [...new Set(set.levels.map((l) => l.series))];
}

/**
 * Recomputes every level of every series for one save (§4.4, §4.6). Levels are scored in rank
 * order so each prerequisite criterion reflects the previous level's *new* percentage; as the
 * prerequisite is a MUST, a level can only reach 100 once every lower level has. One `now` is
 * used for the whole save so all timestamps of that save are equal. Inputs are not mutated.
 */
export function computeScores(set: CriteriaSet, answers: Answers, previous: ScoreState, now: Date): ScoreResult {
  const working: Record<string, Answer> = { ...answers };
  const percentages: Record<string, number> = {};
  const timestamps: Record<string, LevelTimestamps> = {};

  for (const series of seriesOf(set)) {
    let previousLevelPct: number | undefined;
    for (const level of set.series(series)) {
      const prerequisite = prerequisiteOf(level);
      if (prerequisite !== undefined && previousLevelPct !== undefined) {
        working[prerequisite] = {
          status: previousLevelPct >= 100 ? STATUS.met : STATUS.unmet,
          justification: answers[prerequisite]?.justification ?? null,
        };
      }
      const pct = levelPercentage(level, working);
      percentages[level.key] = pct;
      timestamps[level.key] = nextTimestamps(
        previous.timestamps[level.key] ?? NO_TIMESTAMPS,
        previous.percentages[level.key] ?? null,
        pct,
        now,
      );
      previousLevelPct = pct;
    }
  }

  const metal = set.series('metal');
  const baseline = set.series('baseline');
  const tiered = tieredPercentage(metal, percentages);
  const baselineTiered = tieredPercentage(baseline, percentages);
  return {
    answers: working,
    percentages,
    timestamps,
    tieredPercentage: tiered,
    baselineTieredPercentage: baselineTiered,
    badgeLevel: badgeLevelFromTiered(metal, tiered),
    // Deliberately stricter than upstream (spec §4.4 quirk, Appendix B #7): upstream reports the
    // highest baseline level at 100 even when a lower one is incomplete, because baseline levels
    // have no prerequisite criteria. Here a baseline level counts only when every lower baseline
    // level is also complete, which is exactly what the tiered value encodes; the stored columns
    // stay upstream's, so nothing needs recomputing (docs/criteria.md, "Baseline badge level").
    baselineBadgeLevel: badgeLevelFromTiered(baseline, baselineTiered),
  };
}
