import { describe, expect, it } from 'vitest';
import { criteria, displayId } from '../../../src/criteria/index.ts';
import { loadCrosswalk } from '../../../src/services/automation/crosswalk.ts';
import { crosswalkDetective } from '../../../src/services/automation/detectives/crosswalk.ts';
import { evidenceFor } from './fixture-repo.ts';

const set = criteria();
const crosswalk = loadCrosswalk(set);
const display = (id: string) => displayId(set.definitions(id)[0]!);
const toBaseline = crosswalkDetective('metal-to-baseline', crosswalk.metalToBaseline, display);
const toMetal = crosswalkDetective('baseline-to-metal', crosswalk.baselineToMetal, display);

describe('crosswalk data', () => {
  it('connects criteria that exist, in the right series, and never forces', () => {
    for (const [rules, from, to] of [[crosswalk.metalToBaseline, 'metal', 'baseline'], [crosswalk.baselineToMetal, 'baseline', 'metal']] as const) {
      expect(rules.length).toBeGreaterThan(40);
      for (const rule of rules) {
        expect(set.definitions(rule.from)[0]?.series, rule.from).toBe(from);
        expect(set.definitions(rule.to)[0]?.series, rule.to).toBe(to);
        for (const inference of Object.values(rule.when)) expect(inference.confidence).toBeLessThan(4);
      }
    }
  });

  it('answers, for one criterion, what it implies and what implies it', () => {
    const mapped = crosswalk.mapped('sites_https');
    expect(mapped.implies.map((e) => e.displayId)).toContain('OSPS-BR-03.01');
    expect(mapped.implies.find((e) => e.criterion === 'osps_br_03_01')!.rule.when[3]).toEqual({ status: 3, confidence: 3 });
    const back = crosswalk.mapped('osps_br_03_01');
    expect(back.impliedBy.map((e) => e.criterion)).toContain('sites_https');
  });
});

describe('mapping detectives', () => {
  it('carries a person\'s answer over at the rule\'s confidence, citing the justification and the source', async () => {
    const result = await toBaseline.analyze(
      evidenceFor(null),
      { sites_https_status: 3, sites_https_justification: 'Both sites redirect to HTTPS.' },
      { proposals: {}, fromProject: new Set(['sites_https_status', 'sites_https_justification']) },
    );
    expect(result.osps_br_03_01_status).toEqual({
      value: 3,
      confidence: 3,
      explanation: { key: 'automation:crosswalk.with_justification', params: { source: 'sites_https', justification: 'Both sites redirect to HTTPS.' } },
    });
  });

  it('uses a cross-status rule (metal N/A → baseline Unmet)', async () => {
    const rule = crosswalk.metalToBaseline.find((r) => r.when[2] && r.when[2].status !== 2)!;
    expect(rule).toBeDefined();
    const result = await toBaseline.analyze(evidenceFor(null), { [`${rule.from}_status`]: 2 }, { proposals: {}, fromProject: new Set([`${rule.from}_status`]) });
    expect(result[`${rule.to}_status`]?.value).toBe(rule.when[2]!.status);
  });

  it('scales an answer that is only another detective\'s proposal, and drops it below 0.5', async () => {
    const proposal = (confidence: number) => ({ sites_https_status: { value: 3 as const, confidence, explanation: { key: 'k' } } });
    const scaled = await toBaseline.analyze(evidenceFor(null), { sites_https_status: 3 }, { proposals: proposal(2.5), fromProject: new Set() });
    expect(scaled.osps_br_03_01_status).toMatchObject({ value: 3, confidence: 1.5, explanation: { key: 'automation:crosswalk.proposal', params: { source: 'sites_https' } } });
    const weak = await toBaseline.analyze(evidenceFor(null), { sites_https_status: 3 }, { proposals: proposal(0.5), fromProject: new Set() });
    expect(weak.osps_br_03_01_status).toBeUndefined();
  });

  it('maps baseline answers to metal, naming the baseline criterion by its display id', async () => {
    const rule = crosswalk.baselineToMetal.find((r) => r.when[3])!;
    const result = await toMetal.analyze(evidenceFor(null), { [`${rule.from}_status`]: 3 }, { proposals: {}, fromProject: new Set([`${rule.from}_status`]) });
    const proposal = Object.values(result).find((p) => p.explanation.params?.source === display(rule.from));
    expect(proposal).toBeDefined();
    expect(display(rule.from)).toMatch(/^OSPS-/);
  });

  it('ignores unknown answers', async () => {
    expect(await toBaseline.analyze(evidenceFor(null), { sites_https_status: 0 }, { proposals: {}, fromProject: new Set(['sites_https_status']) })).toEqual({});
  });
});
