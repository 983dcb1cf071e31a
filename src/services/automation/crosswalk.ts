/**
 * The crosswalk between the metal series (passing, silver, gold) and the OSPS Baseline: which
 * answer to one criterion suggests which answer to a criterion of the other series, and how
 * strongly. Loaded from criteria/automation/metal-to-baseline.yml and baseline-to-metal.yml
 * (format in their headers), validated against the loaded criteria. Used by the two mapping
 * detectives and, read-only, by anything that shows the relation between the two series.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { displayId, type CriteriaSet, type Series } from '../../criteria/index.ts';
import type { StatusCode } from '../../domain/project.ts';
import { fromProjectRoot } from '../../paths.ts';
import { MET, NA, UNMET } from './detectives/common.ts';

const statusName = z.enum(['met', 'unmet', 'na']);
type StatusName = z.infer<typeof statusName>;
// Mapped answers never replace a person's answer: confidences stay below the forcing threshold.
const confidence = z.number().gt(0).lt(4);
const inference = z.union([confidence, z.strictObject({ confidence, status: statusName })]);

const ruleSchema = z.strictObject({
  from: z.string().min(1),
  to: z.string().min(1),
  met: inference.optional(),
  unmet: inference.optional(),
  na: inference.optional(),
});
const fileSchema = z.strictObject({ rules: z.array(ruleSchema).min(1) });

const CODE: Record<StatusName, StatusCode> = { met: MET, unmet: UNMET, na: NA };

/** What one answer of the source criterion suggests for the target. */
export interface Inference {
  status: StatusCode;
  confidence: number;
}

export interface CrosswalkRule {
  from: string;
  to: string;
  /** By the source's answer (status code); absent: that answer says nothing about the target. */
  when: Partial<Record<StatusCode, Inference>>;
}

export type CrosswalkDirection = 'metal-to-baseline' | 'baseline-to-metal';

/** How one criterion relates to criteria of the other series. */
export interface CrosswalkEntry {
  /** The criterion of the other series. */
  criterion: string;
  displayId: string;
  rule: CrosswalkRule;
}

export interface Crosswalk {
  readonly metalToBaseline: readonly CrosswalkRule[];
  readonly baselineToMetal: readonly CrosswalkRule[];
  /**
   * For a criterion: what its answers suggest for the other series (`implies`) and which
   * criteria of the other series suggest its answer (`impliedBy`).
   */
  mapped(criterionId: string): { implies: CrosswalkEntry[]; impliedBy: CrosswalkEntry[] };
}

export const defaultCrosswalkDir = fromProjectRoot('criteria/automation');

function parseRules(file: string, text: string, set: CriteriaSet, fromSeries: Series, toSeries: Series): CrosswalkRule[] {
  const parsed = fileSchema.safeParse(YAML.parse(text));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${file}: ${issue.path.join('.')}: ${issue.message}`);
  }
  const seriesOf = (id: string) => set.definitions(id)[0]?.series;
  const seen = new Set<string>();
  return parsed.data.rules.map((rule, index) => {
    for (const [end, series] of [[rule.from, fromSeries], [rule.to, toSeries]] as const) {
      if (seriesOf(end) !== series) throw new Error(`${file}: rules.${index}: ${end} is not a criterion of the ${series} series`);
    }
    const pair = `${rule.from}→${rule.to}`;
    if (seen.has(pair)) throw new Error(`${file}: rules.${index}: ${pair} appears twice`);
    seen.add(pair);
    const when: CrosswalkRule['when'] = {};
    for (const answer of ['met', 'unmet', 'na'] as const) {
      const value = rule[answer];
      if (value === undefined) continue;
      when[CODE[answer]] = typeof value === 'number'
        ? { status: CODE[answer], confidence: value }
        : { status: CODE[value.status], confidence: value.confidence };
    }
    return { from: rule.from, to: rule.to, when };
  });
}

/** Loads both crosswalk files; throws naming the file and rule when one is malformed. */
export function loadCrosswalk(set: CriteriaSet, dir: string = defaultCrosswalkDir): Crosswalk {
  const read = (name: string) => fs.readFileSync(path.join(dir, name), 'utf8');
  const metalToBaseline = parseRules('metal-to-baseline.yml', read('metal-to-baseline.yml'), set, 'metal', 'baseline');
  const baselineToMetal = parseRules('baseline-to-metal.yml', read('baseline-to-metal.yml'), set, 'baseline', 'metal');
  const display = (id: string) => {
    const def = set.definitions(id)[0];
    return def ? displayId(def) : id;
  };
  const all = [...metalToBaseline, ...baselineToMetal];
  return Object.freeze({
    metalToBaseline,
    baselineToMetal,
    mapped(criterionId: string) {
      return {
        implies: all.filter((r) => r.from === criterionId).map((rule) => ({ criterion: rule.to, displayId: display(rule.to), rule })),
        impliedBy: all.filter((r) => r.to === criterionId).map((rule) => ({ criterion: rule.from, displayId: display(rule.from), rule })),
      };
    },
  });
}
