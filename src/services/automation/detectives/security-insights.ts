import type { Detective, Proposals, RepoEntry } from '../../../domain/automation.ts';
import { SECURITY_INSIGHTS_MAX_BYTES, securityInsightsProposals, type SecurityInsightsRule } from '../security-insights.ts';
import { skip } from './common.ts';

const FILE = /^security-insights\.ya?ml$/i;

/**
 * Reads the repository's Security Insights file (top level first, then `.github/`) and applies our
 * rule file. Proposals stay below the forcing confidence: the file is the project's own claim.
 */
export function securityInsights(rules: readonly SecurityInsightsRule[]): Detective {
  const outputs = [...new Set(rules.map((r) => `${r.criterion}_status`))];
  return {
    name: 'security-insights',
    inputs: ['repo_url'],
    outputs,
    async analyze(evidence): Promise<Proposals> {
      const repo = evidence.repo;
      if (!repo) skip('skipped.no_forge');
      const top = await repo.files.list();
      if (!top) skip('skipped.listing_unreadable', { url: repo.htmlUrl });
      let entry: RepoEntry | undefined = top.find((e) => e.type === 'file' && FILE.test(e.name));
      if (!entry && top.some((e) => e.type === 'dir' && e.name === '.github')) {
        entry = ((await repo.files.list('.github')) ?? []).find((e) => e.type === 'file' && FILE.test(e.name));
      }
      if (!entry) skip('skipped.no_security_insights');
      const text = await repo.files.read(entry.path, SECURITY_INSIGHTS_MAX_BYTES);
      if (text === null) skip('skipped.file_unreadable', { url: entry.htmlUrl });
      const result = securityInsightsProposals(text, rules, { name: entry.path, url: entry.htmlUrl });
      if (!result.ok) skip('skipped.file_invalid', { url: entry.htmlUrl });
      return result.proposals;
    },
  };
}
