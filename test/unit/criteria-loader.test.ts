import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CriteriaLoadError, displayId, loadCriteria, parseCriteriaFile } from '../../src/criteria/index.ts';

const set = loadCriteria();

function count(level: string, pick: (c: NonNullable<ReturnType<typeof set.level>>['criteria'][number]) => boolean): number {
  return set.level(level)!.criteria.filter(pick).length;
}

describe('criteria/*.yml', () => {
  // Expected counts per level; change them deliberately together with the YAML.
  it.each([
    ['passing', 67, 43, 10, 14, 8, 1, 27, 5],
    ['silver', 55, 44, 10, 1, 17, 38, 41, 33],
    ['gold', 23, 21, 2, 0, 9, 13, 9, 7],
    ['baseline-1', 24, 24, 0, 0, 0, 0, 24, 24],
    ['baseline-2', 19, 19, 0, 0, 0, 0, 19, 19],
    ['baseline-3', 21, 21, 0, 0, 0, 0, 21, 21],
  ])('%s has %i criteria with the upstream categories and flags', (level, total, must, should, suggested, url, justification, na, naJustification) => {
    expect(set.level(level)!.active).toHaveLength(total);
    expect([
      count(level, (c) => c.category === 'MUST'),
      count(level, (c) => c.category === 'SHOULD'),
      count(level, (c) => c.category === 'SUGGESTED'),
      count(level, (c) => c.met_url_required),
      count(level, (c) => c.met_justification_required),
      count(level, (c) => c.na_allowed),
      count(level, (c) => c.na_justification_required),
    ]).toEqual([must, should, suggested, url, justification, na, naJustification]);
  });

  it('orders levels by series and rank and has 193 distinct ids', () => {
    expect(set.levels.map((l) => l.key)).toEqual(['passing', 'silver', 'gold', 'baseline-1', 'baseline-2', 'baseline-3']);
    expect(set.ids).toHaveLength(193);
  });

  it('shares one answer between levels for ids listed at several levels', () => {
    expect(set.definitions('crypto_weaknesses').map((c) => [c.level, c.category])).toEqual([
      ['passing', 'SHOULD'],
      ['silver', 'MUST'],
    ]);
  });

  it('marks exactly one prerequisite per level above the first metal level', () => {
    expect(set.series('metal').map((l) => l.criteria.filter((c) => c.prerequisite).length)).toEqual([0, 1, 1]);
  });

  it('derives OSPS display ids', () => {
    expect(displayId(set.definitions('osps_ac_01_01')[0]!)).toBe('OSPS-AC-01.01');
    expect(displayId(set.definitions('description_good')[0]!)).toBe('description_good');
  });

  it('gives every criterion English text', () => {
    for (const level of set.levels) for (const c of level.criteria) expect(c.description.length, c.id).toBeGreaterThan(10);
  });
});

describe('loader errors name the file, the criterion and the field', () => {
  const header = 'level: passing\nseries: metal\nrank: 0\nname: Passing\n';
  const oneCriterion = (body: string) =>
    `${header}sections:\n  - major: Basics\n    groups:\n      - minor: Other\n        criteria:\n          - id: good_one\n            category: MUST\n            description: Fine.\n          - id: broken_one\n${body}`;

  it.each([
    ['            category: MAYBE\n            description: x\n', 'criterion broken_one, field category'],
    ['            category: MUST\n', 'criterion broken_one, field description'],
    ['            category: MUST\n            description: x\n            na_allowed: "yes"\n', 'criterion broken_one, field na_allowed'],
    ['            category: MUST\n            description: x\n            colour: red\n', 'criterion broken_one, field colour'],
    ['            category: MUST\n            description: x\n            na_justification_required: true\n', 'criterion broken_one, field na_justification_required'],
  ])('reports %j', (body, where) => {
    expect(() => parseCriteriaFile('criteria/passing.yml', oneCriterion(body))).toThrow(`criteria/passing.yml: ${where}`);
  });

  it('reports duplicate ids and YAML syntax errors', () => {
    const dup = `${header}sections:\n  - major: B\n    groups:\n      - minor: O\n        criteria:\n          - {id: a_b, category: MUST, description: x}\n          - {id: a_b, category: MUST, description: y}\n`;
    expect(() => parseCriteriaFile('criteria/passing.yml', dup)).toThrow('criterion a_b, field id: appears twice');
    expect(() => parseCriteriaFile('criteria/passing.yml', 'level: [')).toThrow(CriteriaLoadError);
  });

  it('refuses a directory whose ranks have a gap or whose file name does not match the level', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'criteria-'));
    const file = (level: string, rank: number) =>
      `level: ${level}\nseries: metal\nrank: ${rank}\nname: X\nsections:\n  - major: B\n    groups:\n      - minor: O\n        criteria:\n          - {id: c_${rank}, category: MUST, description: x}\n`;
    fs.writeFileSync(path.join(dir, 'passing.yml'), file('passing', 0));
    fs.writeFileSync(path.join(dir, 'gold.yml'), file('gold', 2));
    expect(() => loadCriteria(dir)).toThrow('gold.yml: field rank: expected rank 1 in the metal series');
    fs.writeFileSync(path.join(dir, 'gold.yml'), file('silver', 1));
    expect(() => loadCriteria(dir)).toThrow('gold.yml: field level: must match the file name');
    fs.rmSync(dir, { recursive: true });
  });
});
