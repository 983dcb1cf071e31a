import { describe, expect, it } from 'vitest';
import { securityInsights } from '../../../src/services/automation/detectives/security-insights.ts';
import { loadSecurityInsightsRules, lookup, securityInsightsProposals } from '../../../src/services/automation/security-insights.ts';
import { evidenceFor, fakeRepo, REPO_URL } from './fixture-repo.ts';

const rules = loadSecurityInsightsRules();

/** A realistic version 2 file. */
const V2 = `header:
  schema-version: 2.0.0
  last-updated: '2026-09-01'
  last-reviewed: '2026-09-01'
  url: https://github.com/acme/widget/blob/main/security-insights.yml
project:
  name: Widget
  administrators:
    - name: Ada
      primary: true
  repositories:
    - name: widget
      url: https://github.com/acme/widget
      comment: The only repository.
  vulnerability-reporting:
    reports-accepted: true
    bug-bounty-available: false
    policy: https://github.com/acme/widget/security/policy
    comment: Please use private vulnerability reporting on GitHub.
repository:
  url: https://github.com/acme/widget
  status: active
  accepts-change-request: true
  accepts-automated-change-request: true
  core-team:
    - name: Ada
      primary: true
  license:
    url: https://github.com/acme/widget/blob/main/LICENSE
    expression: MIT
  documentation:
    contributing-guide: https://github.com/acme/widget/blob/main/CONTRIBUTING.md
    security-policy: https://github.com/acme/widget/blob/main/SECURITY.md
  release:
    automated-pipeline: true
    changelog: https://github.com/acme/widget/releases
    attestations:
      - name: provenance
        location: https://github.com/acme/widget/attestations
        predicate-uri: https://slsa.dev/provenance/v1
  security:
    assessments:
      self:
        evidence: https://github.com/acme/widget/blob/main/docs/threat-model.md
        date: '2026-08-01'
        comment: Threat model reviewed by the maintainers.
    tools:
      - name: CodeQL
        type: SAST
        rulesets: [default]
        integration:
          adhoc: false
          ci: true
          release: false
      - name: Dependabot
        type: SCA
        integration:
          adhoc: false
          ci: false
          release: false
`;

describe('Security Insights rules', () => {
  it('propose from a version 2 file, the most confident rule per criterion', () => {
    const result = securityInsightsProposals(V2, rules, { name: 'security-insights.yml', url: `${REPO_URL}/blob/main/security-insights.yml` });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const p = result.proposals;
    expect(p.vulnerability_report_process_status).toMatchObject({ value: 3, confidence: 2 });
    expect(p.contribution_status).toMatchObject({ value: 3, confidence: 2 });
    expect(p.maintained_status).toMatchObject({ value: 3, confidence: 2 });
    expect(p.static_analysis_status).toMatchObject({ value: 3, confidence: 2 });
    // SAST with integration.ci true raises osps_vm_06_02 from 1 to 2.
    expect(p.osps_vm_06_02_status).toMatchObject({ value: 3, confidence: 2 });
    // SCA without CI: only the plain rule (osps_vm_05_03 needs CI).
    expect(p.dependency_monitoring_status).toMatchObject({ value: 3 });
    expect(p.osps_vm_05_03_status).toBeUndefined();
    expect(p.signed_releases_status).toMatchObject({ value: 3 });
    expect(p.osps_qa_02_02_status).toBeUndefined();
    expect(p.build_status).toMatchObject({ value: 3, confidence: 2 });
    expect(p.security_review_status).toMatchObject({ value: 3, confidence: 1 });
    expect(p.osps_sa_03_01_status!.explanation.params).toMatchObject({ comment: 'Threat model reviewed by the maintainers.' });
    expect(p.vulnerability_report_process_status!.explanation).toEqual({
      key: 'automation:security_insights.match_with_comment',
      params: { file: 'security-insights.yml', field: 'project.vulnerability-reporting.reports-accepted', value: 'true', comment: 'Please use private vulnerability reporting on GitHub.' },
    });
    expect(Object.values(p).every((x) => x.confidence < 4)).toBe(true);
  });

  it.each([
    ['reports refused', 'project:\n  vulnerability-reporting:\n    reports-accepted: false\n', 'osps_vm_03_01_status', 1, 2.5],
    ['an abandoned repository (any case)', 'repository:\n  status: Abandoned\n', 'maintained_status', 1, 2],
    ['version 1: lifecycle stage', 'project-lifecycle:\n  stage: active\n', 'maintained_status', 3, 2],
    ['version 1: contacts', 'security-contacts:\n  - type: email\n    value: security@acme.example\n', 'osps_vm_02_01_status', 3, 2],
    ['an empty value is absent', 'repository:\n  release:\n    changelog: ""\n', 'release_notes_status', undefined, undefined],
    ['a list where a value was expected matches nothing', 'repository:\n  status: [active]\n', 'maintained_status', undefined, undefined],
  ])('%s', (_title, text, field, status, confidence) => {
    const result = securityInsightsProposals(text, rules, { name: 'SECURITY-INSIGHTS.yml' });
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.proposals[field]?.value).toBe(status);
      expect(result.proposals[field]?.confidence).toBe(confidence);
    }
  });

  it.each([
    ['not YAML', 'a: [', 'yaml'],
    ['a list', '- a\n- b\n', 'not_a_mapping'],
    ['a scalar', 'hello', 'not_a_mapping'],
    ['duplicate keys', 'a: 1\na: 2\n', 'yaml'],
    ['too large', `a: ${'x'.repeat(60_000)}`, 'too_large'],
    ['an alias bomb', `a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n`, 'yaml'],
  ])('refuses %s cleanly', (_title, text, error) => {
    expect(securityInsightsProposals(text, rules, { name: 'f' })).toEqual({ ok: false, error });
  });

  it('never follows inherited properties', () => {
    expect(lookup({}, 'constructor.name')).toBeUndefined();
    expect(lookup(JSON.parse('{"__proto__": {"x": 1}}'), '__proto__.x')).toBe(1);
    expect(lookup({ a: { b: 1 } }, 'a.toString')).toBeUndefined();
  });
});

describe('security-insights detective', () => {
  it('reads the file from the top level or .github/, and says why when there is none', async () => {
    const detective = securityInsights(rules);
    const top = await detective.analyze(evidenceFor(fakeRepo({ 'security-insights.yml': V2 })), {});
    expect(top.maintained_status).toMatchObject({ value: 3, evidenceUrl: `${REPO_URL}/blob/main/security-insights.yml` });
    const nested = await detective.analyze(evidenceFor(fakeRepo({ '.github/SECURITY-INSIGHTS.yml': V2 })), {});
    expect(nested.maintained_status).toMatchObject({ value: 3, evidenceUrl: `${REPO_URL}/blob/main/.github/SECURITY-INSIGHTS.yml` });
    await expect(detective.analyze(evidenceFor(fakeRepo({ 'README.md': 'x' })), {})).rejects.toMatchObject({ reason: { key: 'automation:skipped.no_security_insights' } });
    await expect(detective.analyze(evidenceFor(fakeRepo({ 'security-insights.yml': { size: 60_000 } })), {})).rejects.toMatchObject({ reason: { key: 'automation:skipped.file_unreadable' } });
    await expect(detective.analyze(evidenceFor(fakeRepo({ 'security-insights.yml': ': : :' })), {})).rejects.toMatchObject({ reason: { key: 'automation:skipped.file_invalid' } });
  });

  it('declares every criterion its rules can reach as an output', () => {
    const detective = securityInsights(rules);
    expect(new Set(detective.outputs)).toEqual(new Set(rules.map((r) => `${r.criterion}_status`)));
  });
});
