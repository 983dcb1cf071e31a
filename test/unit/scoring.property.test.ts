import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { buildCriteriaSet, parseCriteriaFile, type CriteriaSet, type Level, type Series } from '../../src/criteria/index.ts';
import {
  STATUS,
  computeScores,
  criterionResult,
  isEnough,
  levelPercentage,
  rankOfBadgeLevel,
  type Answer,
  type Answers,
  type ScoreState,
  type StatusCode,
} from '../../src/services/scoring/index.ts';

// Random criteria sets: 1-3 metal levels and 0-2 baseline levels, criteria drawn from a small id
// pool so ids are often shared between levels, random categories and flags, and a MUST
// prerequisite criterion at every rank >= 1 of the metal series (as upstream). Each level goes
// through YAML and parseCriteriaFile, exactly like a criteria file would.

const ID_POOL = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l'].map((x) => `crit_${x}`);

interface Flags {
  category: 'MUST' | 'SHOULD' | 'SUGGESTED';
  future: boolean;
  obsolete: boolean;
  met_url_required: boolean;
  met_justification_required: boolean;
  na_allowed: boolean;
  na_justification_required: boolean;
}

const flagsArb: fc.Arbitrary<Flags> = fc
  .record({
    category: fc.constantFrom('MUST', 'SHOULD', 'SUGGESTED'),
    // Mostly active: future/obsolete criteria are rare, as in the real files.
    future: fc.constantFrom(false, false, false, false, false, true),
    obsolete: fc.constantFrom(false, false, false, false, false, true),
    met_url_required: fc.boolean(),
    met_justification_required: fc.boolean(),
    na_allowed: fc.boolean(),
    na_justification_required: fc.boolean(),
  })
  .map((f) => ({ ...f, na_justification_required: f.na_allowed && f.na_justification_required }));

const levelCriteriaArb = fc.uniqueArray(
  fc.record({ id: fc.constantFrom(...ID_POOL), flags: flagsArb }),
  { minLength: 1, maxLength: 8, selector: (c) => c.id },
);

function levelText(series: Series, rank: number, criteria: { id: string; flags: Flags }[]): string {
  const key = `${series}-l${rank}`;
  const entries: (Flags & { id: string; description: string; prerequisite?: boolean })[] = criteria.map((c) => ({
    id: c.id,
    ...c.flags,
    description: 'd',
  }));
  if (series === 'metal' && rank > 0) {
    entries.unshift({ ...NO_FLAGS, id: `pre_${rank}`, category: 'MUST', prerequisite: true, description: 'd' });
  }
  // Alternate criteria between two major groups so sectionProgress-like grouping is exercised.
  const majors = [0, 1]
    .map((m) => ({ major: `Major ${m}`, criteria: entries.filter((_, i) => i % 2 === m) }))
    .filter((s) => s.criteria.length > 0)
    .map((s) => ({ major: s.major, groups: [{ minor: 'Minor', criteria: s.criteria }] }));
  return YAML.stringify({ level: key, series, rank, name: key, sections: majors });
}

const NO_FLAGS = {
  future: false,
  obsolete: false,
  met_url_required: false,
  met_justification_required: false,
  na_allowed: false,
  na_justification_required: false,
  prerequisite: false,
};

const setArb: fc.Arbitrary<CriteriaSet> = fc
  .record({
    metal: fc.array(levelCriteriaArb, { minLength: 1, maxLength: 3 }),
    baseline: fc.array(levelCriteriaArb, { minLength: 0, maxLength: 2 }),
  })
  .map(({ metal, baseline }) => {
    const parse = (series: Series) => (criteria: { id: string; flags: Flags }[], rank: number) =>
      parseCriteriaFile(`${series}-l${rank}.yml`, levelText(series, rank, criteria));
    return buildCriteriaSet([...metal.map(parse('metal')), ...baseline.map(parse('baseline'))]);
  });

const GOOD = 'Done: https://example.org/x';
const justificationArb = fc.oneof(
  fc.constantFrom(null, '', 'abcd', 'abcde', '// https://example.org/x', 'https://example.org/x', GOOD),
  fc.string({ maxLength: 12 }),
);
const FULL_MET: Answer = { status: STATUS.met, justification: GOOD };
// Weighted towards good answers so that complete levels, badges and the prerequisite cascade
// are reached often; uniformly random answers would almost never complete a level.
const answerArb: fc.Arbitrary<Answer> = fc.oneof(
  { arbitrary: fc.constant(FULL_MET), weight: 4 },
  {
    arbitrary: fc.record({
      status: fc.constantFrom<StatusCode>(STATUS.unknown, STATUS.unmet, STATUS.na, STATUS.met),
      justification: justificationArb,
    }),
    weight: 1,
  },
);

/** Answers over every id of the set (prerequisites included); some ids are left unanswered. */
function answersArb(set: CriteriaSet): fc.Arbitrary<Answers> {
  return fc
    .tuple(...set.ids.map((id) => fc.option(answerArb, { nil: undefined, freq: 6 }).map((ans) => [id, ans] as const)))
    .map((pairs) => Object.fromEntries(pairs.filter((p): p is readonly [string, Answer] => p[1] !== undefined)));
}

const caseArb = setArb.chain((set) => fc.tuple(fc.constant(set), answersArb(set)));
const EMPTY: ScoreState = { percentages: {}, timestamps: {} };
const NOW = new Date('2026-07-01T12:00:00Z');

function levelsOf(set: CriteriaSet, series: Series): Level[] {
  return set.series(series);
}

/** Index of the first level below 100, i.e. how many leading levels are complete. */
function firstIncompleteIndex(levels: Level[], percentages: Record<string, number>): number {
  const index = levels.findIndex((l) => (percentages[l.key] ?? 0) < 100);
  return index < 0 ? levels.length : index;
}

describe('scoring properties', () => {
  it('(1) turning one non-Met answer into a fully justified Met never lowers a percentage', () => {
    fc.assert(
      fc.property(caseArb, fc.nat(), fc.nat(), ([set, answers], levelPick, criterionPick) => {
        const level = set.levels[levelPick % set.levels.length];
        const ids = level?.criteria.map((c) => c.id).filter((id) => answers[id]?.status !== STATUS.met) ?? [];
        const id = ids[criterionPick % Math.max(ids.length, 1)];
        fc.pre(level !== undefined && id !== undefined);
        const better = { ...answers, [id]: FULL_MET };
        expect(levelPercentage(level, better)).toBeGreaterThanOrEqual(levelPercentage(level, answers));
        // And across the whole cascade: no level of the set goes down either.
        const before = computeScores(set, answers, EMPTY, NOW);
        const after = computeScores(set, better, EMPTY, NOW);
        for (const l of set.levels) {
          expect(after.percentages[l.key]).toBeGreaterThanOrEqual(before.percentages[l.key] ?? 0);
        }
        expect(after.tieredPercentage).toBeGreaterThanOrEqual(before.tieredPercentage);
      }),
    );
  });

  it('(2) a percentage is an integer in 0..100 and is 100 iff every active criterion is enough', () => {
    fc.assert(
      fc.property(caseArb, ([set, answers]) => {
        for (const level of set.levels) {
          const pct = levelPercentage(level, answers);
          expect(Number.isInteger(pct)).toBe(true);
          expect(pct).toBeGreaterThanOrEqual(0);
          expect(pct).toBeLessThanOrEqual(100);
          // A level with no active criteria has nothing met, so it is 0, not vacuously 100.
          const complete =
            level.active.length > 0 && level.active.every((c) => isEnough(criterionResult(c, answers[c.id])));
          expect(pct === 100).toBe(complete);
        }
      }),
    );
  });

  it('(3) the badge level never passes the first incomplete level (prerequisites cascade)', () => {
    fc.assert(
      fc.property(caseArb, ([set, answers]) => {
        const r = computeScores(set, answers, EMPTY, NOW);
        const metal = levelsOf(set, 'metal');
        expect(rankOfBadgeLevel(set, 'metal', r.badgeLevel)).toBeLessThanOrEqual(
          firstIncompleteIndex(metal, r.percentages),
        );
        const baseline = levelsOf(set, 'baseline');
        expect(rankOfBadgeLevel(set, 'baseline', r.baselineBadgeLevel)).toBeLessThanOrEqual(
          firstIncompleteIndex(baseline, r.percentages),
        );
        // Every metal level above the first has a MUST prerequisite, so it can only be complete
        // when the level below it is.
        metal.forEach((level, i) => {
          const below = metal[i - 1];
          if (below && r.percentages[level.key] === 100) expect(r.percentages[below.key]).toBe(100);
        });
      }),
    );
  });

  it('(4) floor(tiered / 100) is the rank of the badge level, in both series', () => {
    fc.assert(
      fc.property(caseArb, ([set, answers]) => {
        const r = computeScores(set, answers, EMPTY, NOW);
        expect(Math.floor(r.tieredPercentage / 100)).toBe(rankOfBadgeLevel(set, 'metal', r.badgeLevel));
        expect(Math.floor(r.baselineTieredPercentage / 100)).toBe(
          rankOfBadgeLevel(set, 'baseline', r.baselineBadgeLevel),
        );
        expect(r.tieredPercentage).toBeLessThanOrEqual(100 * levelsOf(set, 'metal').length);
        expect(r.baselineTieredPercentage).toBeLessThanOrEqual(100 * levelsOf(set, 'baseline').length);
      }),
    );
  });

  it('(5) computeScores is idempotent: feeding its answers back changes nothing', () => {
    fc.assert(
      fc.property(caseArb, ([set, answers]) => {
        const once = computeScores(set, answers, EMPTY, NOW);
        const twice = computeScores(set, once.answers, { percentages: once.percentages, timestamps: once.timestamps }, NOW);
        expect(twice.percentages).toEqual(once.percentages);
        expect(twice.answers).toEqual(once.answers);
        expect(twice.badgeLevel).toBe(once.badgeLevel);
        expect(twice.timestamps).toEqual(once.timestamps);
      }),
    );
  });
});
