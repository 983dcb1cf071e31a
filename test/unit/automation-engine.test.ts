import { describe, expect, it, vi } from 'vitest';
import type { Detective, FieldValues, Proposals, ProposedValue } from '../../src/domain/automation.ts';
import { DetectiveSkipped } from '../../src/domain/automation.ts';
import { criteria } from '../../src/criteria/index.ts';
import {
  automatableFields,
  classifyAndApply,
  criterionOf,
  orderDetectives,
  pairedField,
  proposeChanges,
  projectFieldValues,
  selectDetectives,
  type DetectiveSet,
  type EngineProposals,
} from '../../src/services/automation/engine.ts';
import { evidenceFor } from './detectives/fixture-repo.ts';

const evidence = evidenceFor(null);

/** A detective proposing fixed values; records what it was given. */
function fixed(name: string, inputs: string[], proposals: Record<string, [value: number | string, confidence: number]>): Detective & { seen: Record<string, unknown>[] } {
  const seen: Record<string, unknown>[] = [];
  return {
    name,
    inputs,
    outputs: Object.keys(proposals),
    seen,
    analyze(_e, current) {
      seen.push({ ...current });
      const out: Proposals = {};
      for (const [field, [value, confidence]] of Object.entries(proposals)) {
        out[field] = { value: value as ProposedValue, confidence, explanation: { key: `automation:test.${name}` } };
      }
      return Promise.resolve(out);
    },
  };
}

function set(main: Detective[], extra: Partial<DetectiveSet> = {}): DetectiveSet {
  return { main, last: [], isBaselineField: (f) => f.startsWith('osps_'), ...extra };
}

const explain = (e: { key: string }) => `text of ${e.key}`;

describe('detective selection and order', () => {
  const a = fixed('a', ['repo_url'], { license: ['MIT', 3] });
  const b = fixed('b', ['license'], { floss_license_status: [3, 5] });
  const c = fixed('c', [], { name: ['x', 1] });

  it('selects the detectives producing a needed field and, transitively, their inputs', () => {
    expect(selectDetectives([a, b, c], ['floss_license_status']).map((d) => d.name)).toEqual(['a', 'b']);
    expect(selectDetectives([a, b, c], ['name']).map((d) => d.name)).toEqual(['c']);
  });

  it('runs producers before readers and keeps the given order otherwise, or on a cycle', () => {
    expect(orderDetectives([b, c, a]).map((d) => d.name)).toEqual(['c', 'a', 'b']);
    const x = fixed('x', ['y_status'], { x_status: [3, 1] });
    const y = fixed('y', ['x_status'], { y_status: [3, 1] });
    expect(orderDetectives([y, x]).map((d) => d.name)).toEqual(['y', 'x']);
  });
});

describe('proposeChanges', () => {
  it('gives a reader the proposal that would be applied, and the project value otherwise', async () => {
    const a = fixed('a', [], { license: ['MIT', 3] });
    const b = fixed('b', ['license'], { floss_license_status: [3, 1] });
    await proposeChanges(set([b, a]), evidence, { license: null });
    expect(b.seen[0]).toEqual({ license: 'MIT' });
    await proposeChanges(set([b, a]), evidence, { license: 'GPL-3.0' });
    expect(b.seen[1]).toEqual({ license: 'GPL-3.0' });
    const forced = fixed('f', [], { license: ['Apache-2.0', 4] });
    const reader = fixed('r', ['license'], { floss_license_status: [3, 1] });
    await proposeChanges(set([reader, forced]), evidence, { license: 'GPL-3.0' });
    expect(reader.seen[0]).toEqual({ license: 'Apache-2.0' });
  });

  it('merges by strictly higher confidence and marks ≥ 4 as forced', async () => {
    const first = fixed('first', [], { x_status: [3, 3], y_status: [3, 2] });
    const second = fixed('second', [], { x_status: [1, 3], y_status: [1, 4] });
    const { proposals } = await proposeChanges(set([first, second]), evidence, {});
    expect(proposals.x_status).toMatchObject({ value: 3, detective: 'first', forced: false });
    expect(proposals.y_status).toMatchObject({ value: 1, detective: 'second', forced: true });
  });

  it('ignores proposals with a confidence outside 1–5', async () => {
    const odd = fixed('odd', [], { a_status: [3, Number.NaN], b_status: [3, 0], c_status: [3, 99], d_status: [3, 5] });
    expect(Object.keys((await proposeChanges(set([odd]), evidence, {})).proposals)).toEqual(['d_status']);
  });

  it('ignores proposals for fields a detective did not declare', async () => {
    const sneaky: Detective = { name: 's', inputs: [], outputs: ['a_status'], analyze: () => Promise.resolve({ b_status: { value: 3, confidence: 5, explanation: { key: 'k' } } }) };
    expect((await proposeChanges(set([sneaky]), evidence, {})).proposals).toEqual({});
  });

  it('logs and skips a detective that throws, and records a skip reason without logging', async () => {
    const warn = vi.fn();
    const logger = { debug: vi.fn(), info: vi.fn(), warn, error: vi.fn() };
    const broken: Detective = { name: 'broken', inputs: [], outputs: ['x_status'], analyze: () => Promise.reject(new Error('boom')) };
    const polite: Detective = { name: 'polite', inputs: [], outputs: ['y_status'], analyze: () => Promise.reject(new DetectiveSkipped({ key: 'automation:skipped.no_forge' })) };
    const good = fixed('good', [], { z_status: [3, 3] });
    const result = await proposeChanges(set([broken, polite, good]), evidence, {}, { logger });
    expect(Object.keys(result.proposals)).toEqual(['z_status']);
    expect(result.skipped).toEqual([
      { detective: 'broken', reason: { key: 'automation:skipped.failed' } },
      { detective: 'polite', reason: { key: 'automation:skipped.no_forge' } },
    ]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![1]).toMatchObject({ detective: 'broken', error: 'boom' });
  });

  it('runs only the detectives the section needs, plus those touching changed fields', async () => {
    const a = fixed('a', [], { name: ['x', 1] });
    const b = fixed('b', ['homepage_url'], { sites_https_status: [3, 3] });
    const r1 = await proposeChanges(set([a, b]), evidence, {}, { neededFields: ['name'] });
    expect(r1.ran).toEqual(['a']);
    const r2 = await proposeChanges(set([a, b]), evidence, {}, { neededFields: ['name'], changedFields: ['homepage_url'] });
    expect(r2.ran).toEqual(['a', 'b']);
  });

  it('picks one mapping detective by the needed fields, runs it after main and the last ones only with a repo_url', async () => {
    const main = fixed('main', [], { osps_x_status: [3, 3], metal_status: [3, 3] });
    const toBaseline = fixed('to-baseline', ['metal_status'], { osps_y_status: [3, 2] });
    const toMetal = fixed('to-metal', ['osps_x_status'], { other_status: [3, 2] });
    const last = fixed('last', ['repo_url'], { metal_status: [1, 3.5] });
    const all = set([main], { toBaseline, toMetal, last: [last] });
    const baseline = await proposeChanges(all, evidence, { repo_url: 'https://x.test/r' }, { neededFields: ['osps_y_status'] });
    expect(baseline.ran).toEqual(['main', 'to-baseline', 'last']);
    expect(toBaseline.seen[0]).toEqual({ metal_status: 3 });
    const metal = await proposeChanges(all, evidence, {}, { neededFields: ['other_status'] });
    expect(metal.ran).toEqual(['main', 'to-metal']);
    const forcedOnly = await proposeChanges(all, evidence, { repo_url: 'https://x.test/r' }, { neededFields: ['osps_y_status', 'metal_status'], onlyForced: true });
    expect(forcedOnly.ran).toEqual(['main']);
    expect(forcedOnly.proposals).toEqual({});
  });
});

describe('classifyAndApply', () => {
  // Values are typed loosely on purpose: invalid ones (a status 7) must be refused at run time.
  const proposal = (field: string, value: number | string, confidence: number, key = 'automation:test'): EngineProposals[string] => ({
    field, value: value as ProposedValue, confidence, forced: confidence >= 4, detective: 't', explanation: { key }, evidenceUrl: 'https://x.test/file',
  });
  const permitted = ['a_status', 'a_justification', 'name', 'description'];
  const run = (values: Record<string, number | string | null>, list: EngineProposals[string][]) =>
    classifyAndApply(values as FieldValues, Object.fromEntries(list.map((p) => [p.field, p])), { permittedFields: permitted, explain });

  it.each([
    ['blank status → applied with the explanation as justification', { a_status: 0 }, [proposal('a_status', 3, 3)], 'applied', 3, 'text of automation:test'],
    ['absent status → applied', {}, [proposal('a_status', 1, 1)], 'applied', 1, 'text of automation:test'],
    ['equal status → nothing, but an empty justification gains the evidence', { a_status: 3 }, [proposal('a_status', 3, 3)], 'unchanged', 3, 'text of automation:test'],
    ['real answer, weaker proposal → divergent, nothing changed', { a_status: 1, a_justification: 'mine' }, [proposal('a_status', 3, 3.5)], 'divergent', 1, 'mine'],
    ['real answer, forced proposal → replaced with its justification', { a_status: 1, a_justification: 'mine' }, [proposal('a_status', 3, 5)], 'forced', 3, 'text of automation:test'],
    ['blank status with a person\'s justification → status applied, justification kept', { a_status: 0, a_justification: 'mine' }, [proposal('a_status', 3, 3)], 'applied', 3, 'mine'],
    ['a proposed justification wins over the explanation', {}, [proposal('a_status', 3, 3), proposal('a_justification', 'from file', 3)], 'applied', 3, 'from file'],
  ] as const)('%s', (_title, values, list, outcome, status, justification) => {
    const result = run(values, [...list]);
    expect(result[outcome].some((o) => o === 'a_status' || (typeof o === 'object' && o.field === 'a_status'))).toBe(true);
    expect(result.values.a_status ?? 0).toBe(status);
    expect(result.values.a_justification).toBe(justification);
  });

  it('keeps the old answer on a forced outcome and the proposal on a divergent one', () => {
    const forced = run({ a_status: 1, a_justification: 'mine' }, [proposal('a_status', 3, 4)]).forced[0]!;
    expect(forced).toMatchObject({ before: 1, after: 3, justification: { before: 'mine', after: 'text of automation:test' } });
    const divergent = run({ a_status: 1, a_justification: 'mine' }, [proposal('a_status', 3, 2)]).divergent[0]!;
    expect(divergent).toMatchObject({ before: 1, after: 1, proposal: { value: 3 }, justification: { before: 'mine', after: 'text of automation:test' } });
  });

  it('never applies a justification whose status is divergent, and keeps a person\'s text', () => {
    const result = run({ a_status: 1, a_justification: 'mine' }, [proposal('a_status', 3, 3), proposal('a_justification', 'file', 3)]);
    expect(result.values.a_justification).toBe('mine');
    const alone = run({ a_status: 3, a_justification: 'mine' }, [proposal('a_justification', 'file', 3)]);
    expect(alone.values.a_justification).toBe('mine');
    expect(alone.unchanged).toContain('a_justification');
  });

  it('treats descriptive fields the same way', () => {
    const result = run({ name: null, description: 'ours' }, [proposal('name', 'widget', 1), proposal('description', 'theirs', 3)]);
    expect(result.values).toMatchObject({ name: 'widget', description: 'ours' });
    expect(result.applied.map((o) => o.field)).toEqual(['name']);
    expect(result.divergent.map((o) => o.field)).toEqual(['description']);
    expect(run({ description: 'ours' }, [proposal('description', 'theirs', 4)]).values.description).toBe('theirs');
  });

  it('skips fields outside the section and invalid values, without changing anything', () => {
    const result = run({}, [proposal('b_status', 3, 5), proposal('a_status', 7, 5), proposal('name', '  ', 3)]);
    expect([...result.skipped].sort((x, y) => x.field.localeCompare(y.field))).toEqual([
      { field: 'a_status', reason: 'invalid_value' },
      { field: 'b_status', reason: 'not_permitted' },
      { field: 'name', reason: 'invalid_value' },
    ]);
    expect(result.values).toEqual({});
  });
});

describe('fields', () => {
  it('pairs status and justification fields and names their criterion', () => {
    expect(pairedField('test_status')).toBe('test_justification');
    expect(pairedField('test_justification')).toBe('test_status');
    expect(pairedField('name')).toBeUndefined();
    expect(criterionOf('osps_ac_01_01_status')).toBe('osps_ac_01_01');
    expect(criterionOf('test_justification')).toBe('test');
    expect(criterionOf('license')).toBeUndefined();
  });

  it('lists a level\'s answers and the descriptive fields as automatable', () => {
    const fields = automatableFields(criteria(), 'passing');
    expect(fields).toContain('contribution_status');
    expect(fields).toContain('contribution_justification');
    expect(fields).toContain('implementation_languages');
    expect(fields).not.toContain('osps_ac_01_01_status');
    expect(automatableFields(criteria(), 'nope')).toEqual([]);
  });

  it('reads a project as wire field values', () => {
    const values = projectFieldValues({
      name: 'w', description: null, license: 'MIT', implementationLanguages: 'C', cpe: null, generalComments: null,
      repoUrl: 'https://x.test/r', homepageUrl: null, answers: { contribution: { status: 3, justification: 'yes' } },
    });
    expect(values).toMatchObject({ name: 'w', license: 'MIT', implementation_languages: 'C', repo_url: 'https://x.test/r', contribution_status: 3, contribution_justification: 'yes' });
  });
});
