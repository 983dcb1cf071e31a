import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { criteria } from '../../src/criteria/index.ts';
import type { StatusCode, StoredAnswers } from '../../src/domain/project.ts';
import { repoJson } from '../../src/services/automation/detectives/repo-json.ts';
import { securityInsights } from '../../src/services/automation/detectives/security-insights.ts';
import { classifyAndApply, DESCRIPTIVE_FIELDS, proposeChanges, type DetectiveSet } from '../../src/services/automation/engine.ts';
import { bestPracticesJsonEntries, securityInsightsDraft, type AnswerExportProject } from '../../src/services/automation/export.ts';
import { repoJsonKeys } from '../../src/services/automation/repo-json.ts';
import { loadSecurityInsightsRules } from '../../src/services/automation/security-insights.ts';
import { bestPracticesJsonText } from '../../src/presenters/repo-files-export.ts';
import { evidenceFor, fakeRepo, REPO_URL } from './detectives/fixture-repo.ts';

/**
 * Round trips of the exported repository files (issue 11 item 7): the exported
 * `.bestpractices.json`, imported through the repo-json detective and the engine, gives the
 * answers back; the Security Insights draft, read by the security-insights detective, proposes
 * nothing against an answer it was written from.
 */
const set = criteria();
const ids = set.ids;
// Prerequisites ("achieved the previous level") are computed by the site and never exported.
const answerable = ids.filter((id) => !set.definitions(id).some((c) => c.prerequisite));
const rules = loadSecurityInsightsRules();
const EXPLAINED = '(explanation)';

// Text a form accepts: letters of several scripts, punctuation JSON and YAML care about, emoji.
const lineChar = fc.constantFrom('a', 'Z', '0', ' ', '"', '\\', '/', ':', '#', '{', '}', '-', '\'', 'é', '漢', '😀', '&', '<');
const lineText = fc.string({ unit: lineChar, maxLength: 40 });
const multiText = fc.string({ unit: fc.oneof(lineChar, fc.constant('\n'), fc.constant('\t')), maxLength: 200 });
const status = fc.constantFrom<StatusCode>(0, 1, 2, 3);

const answers = (of: readonly string[], justification: fc.Arbitrary<string>) =>
  fc.dictionary(fc.constantFrom(...of), fc.record({ status, justification: fc.option(justification, { nil: null }) }), { maxKeys: 60 }) as fc.Arbitrary<StoredAnswers>;

const project: fc.Arbitrary<AnswerExportProject> = fc.record({
  id: fc.constant(7),
  name: fc.option(lineText, { nil: null }),
  description: fc.option(multiText, { nil: null }),
  license: fc.option(lineText, { nil: null }),
  implementationLanguages: lineText,
  cpe: fc.option(lineText, { nil: null }),
  generalComments: fc.option(multiText, { nil: null }),
  answers: answers(answerable, multiText),
});

const DESCRIPTIVE_COLUMNS = {
  name: 'name', description: 'description', license: 'license', implementation_languages: 'implementationLanguages', cpe: 'cpe', general_comments: 'generalComments',
} as const satisfies Record<(typeof DESCRIPTIVE_FIELDS)[number], keyof AnswerExportProject>;

const only = (detectives: Partial<DetectiveSet>): DetectiveSet => ({ main: [], last: [], isBaselineField: () => false, ...detectives });

describe('.bestpractices.json round trip', () => {
  const keys = repoJsonKeys(set);
  const engineSet = only({ last: [repoJson(keys)] });
  const permittedFields = [...ids.flatMap((id) => [`${id}_status`, `${id}_justification`]), ...DESCRIPTIVE_FIELDS];

  it('imported through the detective and the engine into a blank entry, gives every answer back', async () => {
    await fc.assert(fc.asyncProperty(project, async (p) => {
      const text = bestPracticesJsonText('https://badges.example/projects/7', bestPracticesJsonEntries(set, p));
      const repo = fakeRepo({ '.bestpractices.json': text });
      const run = await proposeChanges(engineSet, evidenceFor(repo), { repo_url: REPO_URL });
      expect(run.skipped).toEqual([]);
      const after = classifyAndApply({ repo_url: REPO_URL }, run.proposals, { permittedFields, explain: () => EXPLAINED }).values;

      for (const id of answerable) {
        const answer = p.answers[id];
        if (!answer || answer.status === 0) {
          // Unknown answers are not exported, so nothing comes back for them.
          expect(after[`${id}_status`] ?? null, id).toBeNull();
          expect(after[`${id}_justification`] ?? null, id).toBeNull();
          continue;
        }
        expect(after[`${id}_status`], id).toBe(answer.status);
        // A status without a justification gains the engine's explanation, as every applied proposal does.
        expect(after[`${id}_justification`], id).toBe(answer.justification?.trim() || EXPLAINED);
      }
      for (const field of DESCRIPTIVE_FIELDS) {
        const value = p[DESCRIPTIVE_COLUMNS[field]]?.trim();
        expect(after[field] ?? null, field).toBe(value || null);
      }
    }), { numRuns: 150 });
  });

  it('lists keys in a stable order: descriptive fields, then each criterion status before its justification', () => {
    fc.assert(fc.property(project, (p) => {
      const entries = bestPracticesJsonEntries(set, p);
      expect(bestPracticesJsonEntries(set, structuredClone(p))).toEqual(entries);
      const criterionKeys = entries.map(([k]) => k).filter((k) => k.endsWith('_status'));
      const positions = criterionKeys.map((k) => ids.indexOf(k.slice(0, -'_status'.length)));
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
      expect(entries.every(([, v]) => v !== '' && v === v.trim())).toBe(true);
    }));
  });
});

describe('SECURITY-INSIGHTS.yml draft round trip', () => {
  const siCriteria = [...new Set(rules.map((r) => r.criterion))];
  const justification = fc.oneof(multiText, fc.constantFrom('See https://example.org/policy.md', 'https://example.org/x (details)'));
  const draftProject = fc.record({
    name: fc.option(lineText, { nil: null }),
    homepageUrl: fc.option(fc.constant('https://example.org'), { nil: null }),
    repoUrl: fc.constant(REPO_URL),
    license: fc.option(fc.constantFrom('MIT', 'Apache-2.0 OR MIT'), { nil: null }),
    answers: answers(siCriteria, justification),
  });
  const detective = securityInsights(rules);

  it('read by the detective, proposes no status that contradicts an answer it was written from', async () => {
    await fc.assert(fc.asyncProperty(draftProject, async (p) => {
      const { doc } = securityInsightsDraft(rules, p, '2026-01-02');
      // The presenter's comments do not change the facts; the detective reads the plain document here.
      const { stringify } = await import('yaml');
      const repo = fakeRepo({ 'SECURITY-INSIGHTS.yml': stringify(doc) });
      const proposals = await detective.analyze(evidenceFor(repo), {});
      for (const [field, proposal] of Object.entries(proposals)) {
        const answer = p.answers[field.slice(0, -'_status'.length)];
        if (answer && answer.status !== 0) expect(proposal.value, field).toBe(answer.status);
      }
    }), { numRuns: 200 });
  });

  // Each version-2 rule, alone: an answer it reads back is written into the draft.
  const writable = rules.filter((r) => ['project', 'repository'].includes(r.path.split('.')[0]!));
  it.each(writable.map((r) => [`${r.path}${r.items ? `[].${r.items.field}` : ''} → ${r.criterion} ${r.status}`, r] as const))('%s', async (_name, rule) => {
    const code: StatusCode = rule.status === 'met' ? 3 : rule.status === 'unmet' ? 1 : 2;
    const answers: StoredAnswers = { [rule.criterion]: { status: code, justification: 'Evidence: https://example.org/evidence' } };
    const { doc } = securityInsightsDraft(rules, { name: 'W', homepageUrl: null, repoUrl: REPO_URL, license: null, answers }, '2026-01-02');
    const { stringify } = await import('yaml');
    const proposals = await detective.analyze(evidenceFor(fakeRepo({ 'SECURITY-INSIGHTS.yml': stringify(doc) })), {});
    expect(proposals[`${rule.criterion}_status`]?.value).toBe(code);
  });
});
