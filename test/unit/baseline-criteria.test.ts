import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { displayId, parseCriteriaFile } from '../../src/criteria/index.ts';

/**
 * The OSPS Baseline files against the specification (badgeapp.md §3.3–3.4, Baseline v2026.02.19):
 * which controls sit at which level and the flags every control carries. Read straight from the
 * YAML, so a hand edit that drops a flag or moves a control fails here and not in production.
 */
const EXPECTED: Record<string, string[]> = {
  'baseline-1': [
    'osps_ac_01_01', 'osps_ac_02_01', 'osps_ac_03_01', 'osps_ac_03_02', 'osps_br_01_01', 'osps_br_01_03',
    'osps_br_03_01', 'osps_br_03_02', 'osps_br_07_01', 'osps_do_01_01', 'osps_do_02_01', 'osps_gv_02_01',
    'osps_gv_03_01', 'osps_le_02_01', 'osps_le_02_02', 'osps_le_03_01', 'osps_le_03_02', 'osps_qa_01_01',
    'osps_qa_01_02', 'osps_qa_02_01', 'osps_qa_04_01', 'osps_qa_05_01', 'osps_qa_05_02', 'osps_vm_02_01',
  ],
  'baseline-2': [
    'osps_ac_04_01', 'osps_br_02_01', 'osps_br_04_01', 'osps_br_05_01', 'osps_br_06_01', 'osps_do_06_01',
    'osps_do_07_01', 'osps_gv_01_01', 'osps_gv_01_02', 'osps_gv_03_02', 'osps_le_01_01', 'osps_qa_03_01',
    'osps_qa_06_01', 'osps_sa_01_01', 'osps_sa_02_01', 'osps_sa_03_01', 'osps_vm_01_01', 'osps_vm_03_01',
    'osps_vm_04_01',
  ],
  'baseline-3': [
    'osps_ac_04_02', 'osps_br_01_04', 'osps_br_02_02', 'osps_br_07_02', 'osps_do_03_01', 'osps_do_03_02',
    'osps_do_04_01', 'osps_do_05_01', 'osps_gv_04_01', 'osps_qa_02_02', 'osps_qa_04_02', 'osps_qa_06_02',
    'osps_qa_06_03', 'osps_qa_07_01', 'osps_sa_03_02', 'osps_vm_04_02', 'osps_vm_05_01', 'osps_vm_05_02',
    'osps_vm_05_03', 'osps_vm_06_01', 'osps_vm_06_02',
  ],
};

const dir = path.resolve(import.meta.dirname, '../../criteria');
const levels = Object.keys(EXPECTED).map((key) => {
  const file = path.join(dir, `${key}.yml`);
  return parseCriteriaFile(file, fs.readFileSync(file, 'utf8'));
});
const controls = (i: number) => levels[i]!.criteria;

describe('criteria/baseline-*.yml', () => {
  it.each([
    [0, 'baseline-1', 24],
    [1, 'baseline-2', 19],
    [2, 'baseline-3', 21],
  ])('file %i is %s of the baseline series with its %i controls, in id order', (i, key, count) => {
    expect(levels[i]).toMatchObject({ key, series: 'baseline', rank: i });
    expect(levels[i]!.active).toHaveLength(count);
    const ids = controls(i).map((c) => c.id);
    expect(ids).toHaveLength(count);
    expect([...ids].sort()).toEqual(EXPECTED[key]);
  });

  it('holds 64 distinct controls, none at two levels', () => {
    const all = [0, 1, 2].flatMap((i) => controls(i).map((c) => c.id));
    expect(new Set(all).size).toBe(64);
  });

  it.each(Object.keys(EXPECTED))('gives every %s control the baseline flags: MUST, N/A allowed with a justification, nothing else', (key) => {
    const i = Object.keys(EXPECTED).indexOf(key);
    for (const c of controls(i)) {
      expect(
        {
          category: c.category,
          na_allowed: c.na_allowed,
          na_justification_required: c.na_justification_required,
          met_url_required: c.met_url_required,
          met_justification_required: c.met_justification_required,
          future: c.future,
          obsolete: c.obsolete,
          prerequisite: c.prerequisite,
        },
        c.id,
      ).toEqual({
        category: 'MUST',
        na_allowed: true,
        na_justification_required: true,
        met_url_required: false,
        met_justification_required: false,
        future: false,
        obsolete: false,
        prerequisite: false,
      });
      expect(c.description.length, c.id).toBeGreaterThan(10);
      expect(c.details?.length ?? 0, `${c.id} has details`).toBeGreaterThan(10);
    }
  });

  it('names each control by its OSPS display id', () => {
    const shown = [0, 1, 2].flatMap((i) => controls(i).map(displayId));
    expect(shown).toContain('OSPS-AC-01.01');
    expect(shown).toContain('OSPS-VM-06.02');
    for (const id of shown) expect(id).toMatch(/^OSPS-[A-Z]{2}-\d{2}\.\d{2}$/);
  });
});
