import path from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { criteria } from '../../src/criteria/index.ts';
import { ANSWER_STATES, answerState as serverAnswerState } from '../../src/presenters/project-view.ts';
import {
  STATUS,
  STATUS_LABELS,
  criterionResult as serverResult,
  criterionRule,
  isEnough as serverIsEnough,
  levelPercentage as serverLevelPercentage,
  type CriterionResult,
  type CriterionRule,
  type StatusCode,
} from '../../src/services/scoring/index.ts';
import type { Level } from '../../src/criteria/index.ts';

/**
 * The edit page's live feedback (public/js/criteria-rules.js) is a port of the scoring engine and
 * the presenter's answer states. These properties hold it to the TypeScript modules: same result,
 * state, "counts" and level percentage for any rule, answer and count.
 */

interface BrowserRules {
  MIN_JUSTIFICATION_LENGTH: number;
  criterionResult(rule: CriterionRule, status: string, justification: string): CriterionResult;
  isEnough(result: CriterionResult): boolean;
  symbolOf(result: CriterionResult): string;
  answerState(status: string, result: CriterionResult): string;
  levelPercentage(met: number, total: number): number;
}

// Loaded by URL: the script is plain JavaScript outside the TypeScript project, typed here.
const rulesUrl = pathToFileURL(path.resolve(import.meta.dirname, '../../public/js/criteria-rules.js')).href;
const browser = (await import(rulesUrl)) as BrowserRules;

const ruleArb: fc.Arbitrary<CriterionRule> = fc.record({
  category: fc.constantFrom('MUST', 'SHOULD', 'SUGGESTED'),
  met_url_required: fc.boolean(),
  met_justification_required: fc.boolean(),
  na_justification_required: fc.boolean(),
});

const statusArb = fc.constantFrom<StatusCode>(STATUS.unknown, STATUS.unmet, STATUS.na, STATUS.met);

// Texts near every boundary of the rules: around five characters, comments, URLs with and
// without a dot in the host, astral characters, spaces, as well as anything at all.
const justificationArb: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.string({ unit: 'grapheme', maxLength: 7 }),
  fc.constantFrom('', '    ', 'abcd', 'abcde', 'ab😀cd', 'ab😀c', '// a note, not a justification', '// https://example.org'),
  fc.tuple(fc.constantFrom('', 'see ', '// ', 'x'), fc.constantFrom('http://', 'https://', 'ftp://', 'https:/'), fc.constantFrom('example.org', 'localhost', 'a.b', 'a.', '.org', 'a b.c'), fc.constantFrom('', '/x', ' and more')).map((parts) => parts.join('')),
  fc.webUrl(),
);

function symbolOf(result: CriterionResult): string {
  return result === 'passing' || result === 'barely' || result === 'failing' ? result : 'unknown';
}

describe('browser criteria rules (public/js/criteria-rules.js)', () => {
  it('use the server\'s minimum justification length', () => {
    expect(browser.MIN_JUSTIFICATION_LENGTH).toBe(5);
  });

  it('give the server\'s result, state, symbol and "counts" for any rule, answer and justification', () => {
    fc.assert(
      fc.property(ruleArb, statusArb, justificationArb, (rule, status, justification) => {
        const label = STATUS_LABELS[status];
        const expected = serverResult(rule, { status, justification: justification === '' ? null : justification });
        const actual = browser.criterionResult(rule, label, justification);
        expect(actual).toBe(expected);
        expect(browser.isEnough(actual)).toBe(serverIsEnough(expected));
        expect(browser.symbolOf(actual)).toBe(symbolOf(expected));
        expect(browser.answerState(label, actual)).toBe(serverAnswerState(status, expected));
      }),
      { numRuns: 3000 },
    );
  });

  it('name only states the page has a text for', () => {
    const results: CriterionResult[] = ['passing', 'barely', 'failing', 'url_required', 'justification_required', 'unknown'];
    for (const label of STATUS_LABELS) {
      for (const result of results) expect(ANSWER_STATES).toContain(browser.answerState(label, result));
    }
  });

  it('give every criterion of the criteria files the server\'s result', () => {
    const justifications = ['', 'abcd', 'A fine reason.', 'https://example.org/x', '// https://example.org/x'];
    for (const level of criteria().levels) {
      for (const c of level.criteria) {
        for (const status of [STATUS.unknown, STATUS.unmet, STATUS.na, STATUS.met] as const) {
          for (const j of justifications) {
            expect(browser.criterionResult(criterionRule(c), STATUS_LABELS[status], j), `${c.id} ${STATUS_LABELS[status]} "${j}"`).toBe(serverResult(c, { status, justification: j || null }));
          }
        }
      }
    }
  });

  it('compute the server\'s level percentage for any number of counted criteria', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }).chain((total) => fc.tuple(fc.constant(total), fc.integer({ min: 0, max: total }))), ([total, met]) => {
        // A level whose first `met` active criteria are answered Met (no requirement) and the rest not.
        const active = Array.from({ length: total }, (_, i) => ({ id: `c${i}`, category: 'MUST', met_url_required: false, met_justification_required: false, na_justification_required: false }));
        const level = { active } as unknown as Level;
        const answers = Object.fromEntries(active.slice(0, met).map((c) => [c.id, { status: STATUS.met, justification: null }]));
        expect(browser.levelPercentage(met, total)).toBe(serverLevelPercentage(level, answers));
      }),
      { numRuns: 1000 },
    );
  });
});
