import type { Criterion, Level } from '../../criteria/index.ts';
import { criterionResult, isEnough } from './criterion.ts';
import type { Answers } from './status.ts';

function countEnough(criteria: readonly Criterion[], answers: Answers): number {
  return criteria.filter((c) => isEnough(criterionResult(c, answers[c.id]))).length;
}

/**
 * round(met * 100 / total) with halves rounded away from zero, in integer arithmetic so no
 * floating-point representation can tip a .5 either way.
 */
function roundedPercent(met: number, total: number): number {
  return Math.floor((200 * met + total) / (2 * total));
}

/**
 * Percentage of a level's active (neither future nor obsolete) criteria that are enough (§4.3).
 * 100 is reserved for a complete level, so a nearly complete one is capped at 99; a level with no
 * active criteria is 0 because nothing in it is met.
 */
export function levelPercentage(level: Level, answers: Answers): number {
  const total = level.active.length;
  const met = countEnough(level.active, answers);
  if (met === 0) return 0;
  if (met >= total) return 100;
  return Math.min(roundedPercent(met, total), 99);
}

export interface SectionProgress {
  major: string;
  met: number;
  total: number;
}

/**
 * met/total of active criteria per major group, in display order. Groups whose criteria are all
 * future or obsolete are included with total 0 so callers can zip with level.sections; the UI shows
 * nothing for them. Pass ScoreResult.answers so prerequisite criteria are already resolved.
 */
export function sectionProgress(level: Level, answers: Answers): SectionProgress[] {
  // Reuse level.active so "what counts" is defined in exactly one place (the criteria loader).
  const counted = new Set(level.active);
  return level.sections.map((section) => {
    const active = section.groups.flatMap((g) => g.criteria).filter((c) => counted.has(c));
    return { major: section.major, met: countEnough(active, answers), total: active.length };
  });
}
