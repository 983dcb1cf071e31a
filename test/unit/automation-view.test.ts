import { describe, expect, it } from 'vitest';
import type { TFunction } from 'i18next';
import { automationPageView } from '../../src/presenters/automation-view.ts';
import type { FormAutomation } from '../../src/services/automation/runs.ts';
import type { ProposedValue } from '../../src/domain/automation.ts';
import { classifyAndApply, type EngineProposal } from '../../src/services/automation/index.ts';

// The key and its parameters, so the test sees what would be translated.
const t = ((key: string, params?: Record<string, unknown>) => `${key}${params && Object.keys(params).length ? JSON.stringify(params) : ''}`) as unknown as TFunction;

function proposal(field: string, value: ProposedValue, confidence: number, evidenceUrl?: string): EngineProposal {
  return { field, value, confidence, forced: confidence >= 4, detective: 'test', explanation: { key: 'automation:test', params: { field } }, ...(evidenceUrl ? { evidenceUrl } : {}) };
}

function automation(values: Record<string, ProposedValue | null>, proposals: EngineProposal[]): FormAutomation {
  const classified = classifyAndApply(values, Object.fromEntries(proposals.map((p) => [p.field, p])), {
    permittedFields: ['contribution_status', 'contribution_justification', 'build_status', 'build_justification', 'license', 'sites_https_status', 'sites_https_justification'],
    explain: (e, url) => `${e.key}${url ? ` ${url}` : ''}`,
  });
  const run = { id: '1', status: 'done' as const, reason: 'first_edit', createdAt: new Date(0), finishedAt: new Date(1000) };
  return { enabled: true, latest: run, shown: run, classified, skipped: [{ detective: 'security-insights', reason: { key: 'automation:skipped.no_security_insights' } }] };
}

describe('automationPageView', () => {
  it('prefills blanks, marks each kind once per criterion, and links only http(s) evidence', () => {
    const view = automationPageView(
      t,
      automation(
        { contribution_status: 1, contribution_justification: 'Closed for now.', build_status: 0, license: null, sites_https_status: 3, sites_https_justification: 'All https.' },
        [
          proposal('contribution_status', 3, 3, 'https://forge.example/acme/w/blob/main/CONTRIBUTING.md'),
          proposal('build_status', 3, 3, 'javascript:alert(1)'),
          proposal('license', 'MIT', 3),
          proposal('sites_https_status', 1, 5),
        ],
      ),
      '/projects/7/passing/edit',
    );
    expect(view.input).toEqual({ build_status: 'Met', build_justification: 'automation:test javascript:alert(1)', license: 'MIT', sites_https_status: 'Unmet', sites_https_justification: 'automation:test' });
    expect(view.counts).toEqual({ applied: 2, forced: 1, divergent: 1 });
    expect(view.marks.contribution).toMatchObject({ kind: 'divergent', proposed: 'Met', before: 'Unmet', evidenceUrl: 'https://forge.example/acme/w/blob/main/CONTRIBUTING.md' });
    expect(view.marks.build).toMatchObject({ kind: 'applied', evidenceUrl: null });
    expect(view.marks.sites_https).toMatchObject({ kind: 'forced', before: 'Met', justificationBefore: 'All https.' });
    expect(view.marks.license).toMatchObject({ kind: 'applied', proposed: 'MIT' });
    expect(view.skipped).toEqual([{ detective: 'security-insights', reason: 'automation:skipped.no_security_insights' }]);
    expect(view.checkAction).toBe('/projects/7/passing/automation');
  });

  it('accepts a divergent proposal through a URL that forces it with its justification', () => {
    const view = automationPageView(t, automation({ contribution_status: 1 }, [proposal('contribution_status', 3, 3)]), '/projects/7/passing/edit');
    const url = new URL(view.marks.contribution!.acceptUrl!, 'http://x');
    expect(url.pathname).toBe('/projects/7/passing/edit');
    expect(url.searchParams.get('contribution_status')).toBe('Met');
    expect(url.searchParams.get('contribution_justification')).toBe('automation:test');
    expect(url.searchParams.get('overrides')).toBe('contribution_status,contribution_justification');
  });

  it('shows nothing to mark when there are no proposals', () => {
    const view = automationPageView(t, { enabled: true, latest: null, shown: null, classified: null, skipped: [] }, '/projects/7/passing/edit');
    expect(view).toMatchObject({ status: 'none', marks: {}, input: {}, counts: { applied: 0, forced: 0, divergent: 0 } });
  });
});
