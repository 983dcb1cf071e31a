/**
 * Scoring engine (spec §4): per-criterion results, level percentages, prerequisite cascade,
 * tiered percentages, badge levels, loss detection and transition timestamps. Everything is
 * derived from a CriteriaSet; no criterion id or level key is known to this code.
 */
export { STATUS, STATUS_LABELS, type Answer, type Answers, type StatusCode } from './status.ts';
export {
  MIN_JUSTIFICATION_LENGTH,
  containsUrl,
  criterionResult,
  criterionRule,
  isComment,
  isEnough,
  justificationGood,
  type CriterionResult,
  type CriterionRule,
} from './criterion.ts';
export { levelPercentage, sectionProgress, type SectionProgress } from './level.ts';
export { IN_PROGRESS, badgeLevelFromTiered, badgeLevelName, badgeLevelNames, isLoss, rankOfBadgeLevel, tieredPercentage } from './badge.ts';
export { computeScores, nextTimestamps, type LevelTimestamps, type ScoreResult, type ScoreState } from './compute.ts';
