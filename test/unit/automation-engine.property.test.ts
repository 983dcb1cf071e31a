import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FORCE_CONFIDENCE, type Detective, type Proposals, type ProposedValue } from '../../src/domain/automation.ts';
import type { StatusCode } from '../../src/domain/project.ts';
import { classifyAndApply, proposeChanges, type DetectiveSet, type EngineProposals } from '../../src/services/automation/engine.ts';
import { evidenceFor } from './detectives/fixture-repo.ts';

const FIELDS = ['a', 'b', 'c', 'd'] as const;
const status = fc.constantFrom<StatusCode>(0, 1, 2, 3);
const realStatus = fc.constantFrom<StatusCode>(1, 2, 3);
const confidence = fc.constantFrom(1, 2, 2.5, 3, 3.5, 4, 5);
const justification = fc.option(fc.constantFrom('', 'ours', 'because'), { nil: null });

type Values = Record<string, ProposedValue | null>;
const values: fc.Arbitrary<Values> = fc.tuple(...FIELDS.map(() => fc.tuple(status, justification))).map((pairs) => {
  const out: Values = {};
  pairs.forEach(([s, j], i) => {
    out[`${FIELDS[i]!}_status`] = s;
    out[`${FIELDS[i]!}_justification`] = j;
  });
  return out;
});

const proposals = fc
  .dictionary(fc.constantFrom(...FIELDS), fc.record({ value: realStatus, confidence, just: fc.option(fc.constantFrom('file says so'), { nil: undefined }) }))
  .map((entries) => {
    const out: EngineProposals = {};
    for (const [f, p] of Object.entries(entries)) {
      out[`${f}_status`] = { field: `${f}_status`, value: p.value, confidence: p.confidence, forced: p.confidence >= FORCE_CONFIDENCE, detective: 't', explanation: { key: 'automation:x' } };
      if (p.just) out[`${f}_justification`] = { field: `${f}_justification`, value: p.just, confidence: p.confidence, forced: p.confidence >= FORCE_CONFIDENCE, detective: 't', explanation: { key: 'automation:x' } };
    }
    return out;
  });

const options = { permittedFields: FIELDS.flatMap((f) => [`${f}_status`, `${f}_justification`]), explain: () => 'explained' };

describe('classifyAndApply properties', () => {
  it('never replaces a real answer with a proposal below the forcing confidence', () => {
    fc.assert(fc.property(values, proposals, (before, props) => {
      const after = classifyAndApply(before, props, options).values;
      for (const f of FIELDS) {
        const was = before[`${f}_status`];
        const proposal = props[`${f}_status`];
        if (was !== 0 && proposal && proposal.confidence < FORCE_CONFIDENCE) expect(after[`${f}_status`]).toBe(was);
        // A person's justification survives unless a forced proposal replaced the status.
        const text = before[`${f}_justification`];
        if (text && !(proposal?.forced && proposal.value !== was)) expect(after[`${f}_justification`]).toBe(text);
      }
    }));
  });

  it('applying twice changes nothing more', () => {
    fc.assert(fc.property(values, proposals, (before, props) => {
      const once = classifyAndApply(before, props, options);
      const twice = classifyAndApply(once.values, props, options);
      expect(twice.values).toEqual(once.values);
      expect(twice.applied.filter((o) => o.field.endsWith('_status'))).toEqual([]);
      expect(twice.forced).toEqual([]);
    }));
  });

  it('accounts for every proposal exactly once and leaves no blank status behind a proposal', () => {
    fc.assert(fc.property(values, proposals, (before, props) => {
      const result = classifyAndApply(before, props, options);
      const statuses = Object.keys(props).filter((f) => f.endsWith('_status'));
      for (const field of statuses) {
        const seen = [
          ...result.applied.filter((o) => o.field === field),
          ...result.forced.filter((o) => o.field === field),
          ...result.divergent.filter((o) => o.field === field),
          ...result.unchanged.filter((f) => f === field),
        ];
        expect(seen).toHaveLength(1);
        expect(result.values[field]).not.toBe(0);
      }
    }));
  });
});

describe('proposeChanges properties', () => {
  /** Independent detectives (no inputs) with distinct confidences per field, so no tie decides. */
  const detectives = fc
    .uniqueArray(fc.record({ field: fc.constantFrom(...FIELDS), value: realStatus, confidence: fc.integer({ min: 1, max: 50 }) }), {
      selector: (d) => `${d.field}/${d.confidence}`,
      maxLength: 8,
    })
    .map((specs) => specs.map((spec, i): Detective => ({
      name: `d${i}`,
      inputs: [],
      outputs: [`${spec.field}_status`],
      analyze: (): Promise<Proposals> => Promise.resolve({ [`${spec.field}_status`]: { value: spec.value, confidence: spec.confidence / 10, explanation: { key: 'automation:x' } } }),
    })));

  it('gives the same proposals whatever the order of independent detectives', async () => {
    await fc.assert(fc.asyncProperty(detectives, fc.context(), async (list, ctx) => {
      const set = (main: Detective[]): DetectiveSet => ({ main, last: [], isBaselineField: () => false });
      const forward = await proposeChanges(set(list), evidenceFor(null), {});
      const backward = await proposeChanges(set([...list].reverse()), evidenceFor(null), {});
      ctx.log(JSON.stringify(forward.proposals));
      const strip = (p: EngineProposals) => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, { value: v.value, confidence: v.confidence }]));
      expect(strip(backward.proposals)).toEqual(strip(forward.proposals));
    }));
  });
});
