import { describe, expect, it } from 'vitest';
import { criteria } from '../../src/criteria/index.ts';
import { badgeValueOf } from '../../src/services/badge-cache.ts';
import { initialScoreState } from '../../src/services/project-scores.ts';
import { STATUS, computeScores, type Answers } from '../../src/services/scoring/index.ts';

/**
 * The baseline badge-level decision on the real OSPS Baseline criteria (docs/criteria.md, "Baseline
 * badge level"). Upstream reports the highest baseline level whose controls are all answered even
 * when a lower level is incomplete (spec §4.4, Appendix B #7). We report a baseline level only when
 * it and every level below it are complete: the level is read from baseline_tiered_percentage,
 * which upstream computes the same way, so the stored columns equal upstream's.
 */
const set = criteria();
const NOW = new Date('2026-11-26T12:00:00Z');
const ids = (key: string) => set.level(key)!.active.map((c) => c.id);

function metAll(...levels: string[]): Record<string, { status: typeof STATUS.met; justification: string }> {
  const out: Record<string, { status: typeof STATUS.met; justification: string }> = {};
  for (const key of levels) for (const id of ids(key)) out[id] = { status: STATUS.met, justification: 'Done, see the repository settings.' };
  return out;
}

describe('baseline badge level (decision: every lower baseline level must be complete)', () => {
  it('reports in progress, with baseline-1\'s percentage, when baselines 2 and 3 are complete but baseline-1 is not', () => {
    // One baseline-1 control left unanswered: 23 of 24 is 96 %.
    const incomplete: Answers = Object.fromEntries(Object.entries(metAll('baseline-1', 'baseline-2', 'baseline-3')).filter(([id]) => id !== ids('baseline-1')[0]));
    const r = computeScores(set, incomplete, initialScoreState(set), NOW);
    expect(r.percentages).toMatchObject({ 'baseline-1': 96, 'baseline-2': 100, 'baseline-3': 100 });
    expect(r.baselineTieredPercentage).toBe(96);
    expect(r.baselineBadgeLevel).toBe('in_progress'); // upstream: baseline-3
    // The badge (fast path, JSON, show page) reads the same stored tiered value.
    expect(badgeValueOf({ criteria: set }, 'baseline', r.baselineTieredPercentage)).toBe('baseline-pct-96');
    // Each level's own percentage and its achieved time are kept as upstream records them.
    expect(r.timestamps['baseline-2']!.achievedAt).toEqual(NOW);
  });

  it('reports baseline-2 only with baseline-1 complete too', () => {
    const without = computeScores(set, metAll('baseline-2'), initialScoreState(set), NOW);
    expect(without).toMatchObject({ baselineTieredPercentage: 0, baselineBadgeLevel: 'in_progress' });
    const withLower = computeScores(set, metAll('baseline-1', 'baseline-2'), initialScoreState(set), NOW);
    expect(withLower).toMatchObject({ baselineTieredPercentage: 200, baselineBadgeLevel: 'baseline-2' });
    expect(badgeValueOf({ criteria: set }, 'baseline', withLower.baselineTieredPercentage)).toBe('baseline-2');
  });

  it('jumps straight to baseline-3 once the missing baseline-1 control is answered', () => {
    const r = computeScores(set, metAll('baseline-1', 'baseline-2', 'baseline-3'), initialScoreState(set), NOW);
    expect(r).toMatchObject({ baselineTieredPercentage: 300, baselineBadgeLevel: 'baseline-3' });
  });

  it('leaves the metal series alone', () => {
    const r = computeScores(set, metAll('baseline-1', 'baseline-2', 'baseline-3'), initialScoreState(set), NOW);
    expect(r).toMatchObject({ tieredPercentage: 0, badgeLevel: 'in_progress' });
  });
});
