import type { Detective, FieldName, Proposals } from '../../../domain/automation.ts';
import type { CrosswalkRule } from '../crosswalk.ts';
import { explain, propose, text } from './common.ts';

/** A proposal-derived mapping weaker than this is noise. */
const MIN_CONFIDENCE = 0.5;

/**
 * Answers of one series suggest answers of the other (crosswalk.ts). From a person's answer the
 * rule's confidence is used as is; from another detective's proposal it is scaled by that
 * proposal's confidence (× c / 5), so a guess about a guess stays weak. The strongest suggestion
 * per target wins.
 */
export function crosswalkDetective(
  name: 'metal-to-baseline' | 'baseline-to-metal',
  rules: readonly CrosswalkRule[],
  displayId: (id: string) => string,
): Detective {
  const sources = [...new Set(rules.map((r) => r.from))];
  return {
    name,
    inputs: sources.flatMap((id) => [`${id}_status`, `${id}_justification`]),
    outputs: [...new Set(rules.map((r) => `${r.to}_status`))],
    analyze(_evidence, current, context): Promise<Proposals> {
      const proposals: Proposals = {};
      for (const rule of rules) {
        const field: FieldName = `${rule.from}_status`;
        const answer = current[field];
        if (answer !== 1 && answer !== 2 && answer !== 3) continue;
        const inference = rule.when[answer];
        if (!inference) continue;
        const fromPerson = context?.fromProject.has(field) ?? true;
        const earlier = context?.proposals[field];
        const confidence = fromPerson || !earlier ? inference.confidence : (earlier.confidence * inference.confidence) / 5;
        if (confidence < MIN_CONFIDENCE) continue;
        const target = `${rule.to}_status`;
        const best = proposals[target];
        if (best && best.confidence >= confidence) continue;
        const source = displayId(rule.from);
        const justification = fromPerson ? text(current, `${rule.from}_justification`) : '';
        const why = justification
          ? explain('crosswalk.with_justification', { source, justification })
          : explain(fromPerson ? 'crosswalk.answer' : 'crosswalk.proposal', { source });
        proposals[target] = propose(inference.status, confidence, why);
      }
      return Promise.resolve(proposals);
    },
  };
}
