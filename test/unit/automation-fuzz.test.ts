import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { criteria } from '../../src/criteria/index.ts';
import { bestPracticesJsonProposals, repoJsonKeys } from '../../src/services/automation/repo-json.ts';
import { loadSecurityInsightsRules, securityInsightsProposals } from '../../src/services/automation/security-insights.ts';
import { parseSpdx } from '../../src/services/automation/spdx.ts';

const keys = repoJsonKeys(criteria());
const rules = loadSecurityInsightsRules();
const knownKeys = [...keys.keys()];
const siPaths = [...new Set(rules.flatMap((r) => [r.path, ...(r.items ? [r.items.field, r.items.also ?? r.items.field] : [])]))];

/** Values a hostile or careless file might hold. */
const anyValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom('Met', 'unmet', 'N/A', 'na', '?', 'unknown', '', ' ', '\u0000', '\u202e', 'x'.repeat(9000), '__proto__', 'constructor'),
);

function assertClean(result: { ok: boolean; proposals?: Record<string, { value: unknown; confidence: number }>; error?: string }) {
  if (!result.ok) {
    expect(typeof result.error).toBe('string');
    return;
  }
  for (const [field, proposal] of Object.entries(result.proposals!)) {
    expect(field).toMatch(/^[a-z][A-Za-z0-9_]*$/);
    expect(proposal.confidence).toBeLessThan(4);
    if (field.endsWith('_status')) expect([1, 2, 3]).toContain(proposal.value);
    else expect(typeof proposal.value).toBe('string');
  }
}

describe('.bestpractices.json parser under fuzzing', () => {
  it('answers arbitrary text with a clean error or clean proposals', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
      assertClean(bestPracticesJsonProposals(text, keys, { name: 'f' }));
    }), { numRuns: 500 });
  });

  it('answers arbitrary JSON, known keys included, with clean proposals', () => {
    const doc = fc.dictionary(fc.oneof(fc.constantFrom(...knownKeys, '__proto__', 'constructor'), fc.string()), anyValue, { maxKeys: 30 });
    fc.assert(fc.property(fc.oneof(doc, fc.jsonValue()), (value) => {
      assertClean(bestPracticesJsonProposals(JSON.stringify(value), keys, { name: 'f' }));
    }), { numRuns: 500 });
  });
});

describe('Security Insights parser under fuzzing', () => {
  it('answers arbitrary text with a clean error or clean proposals', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
      assertClean(securityInsightsProposals(text, rules, { name: 'f' }));
    }), { numRuns: 500 });
  });

  it('answers arbitrary YAML shaped like a Security Insights file with clean proposals', () => {
    // Documents built along the paths the rules read, with arbitrary values at each step.
    const tree = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, anyValue, fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(fc.constantFrom('type', 'ci', 'integration', 'comment', 'predicate-uri', 'status', 'x'), tie('node'), { maxKeys: 4 })),
    })).node;
    const doc = fc.array(fc.tuple(fc.constantFrom(...siPaths), tree), { maxLength: 8 }).map((entries) => {
      const root: Record<string, unknown> = {};
      for (const [dotted, value] of entries) {
        let node = root;
        const parts = dotted.split('.');
        for (const part of parts.slice(0, -1)) {
          const next = node[part];
          node = (typeof next === 'object' && next !== null && !Array.isArray(next) ? next : (node[part] = {})) as Record<string, unknown>;
        }
        node[parts.at(-1)!] = value;
      }
      return root;
    });
    fc.assert(fc.property(doc, (value) => {
      assertClean(securityInsightsProposals(YAML.stringify(value), rules, { name: 'f' }));
    }), { numRuns: 300 });
  });
});

describe('SPDX parser under fuzzing', () => {
  it('never throws', () => {
    const token = fc.constantFrom('MIT', 'Apache-2.0', 'AND', 'OR', 'WITH', '(', ')', '+', 'LicenseRef-x', 'GPL-2.0+', ' ', 'and', 'x:y');
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 100 }), fc.array(token, { maxLength: 30 }).map((t) => t.join(' '))), (text) => {
      expect(typeof parseSpdx(text).ok).toBe('boolean');
    }), { numRuns: 1000 });
  });
});
