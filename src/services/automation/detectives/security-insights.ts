import type { Detective, Proposals, RepoEntry } from '../../../domain/automation.ts';
import { SECURITY_INSIGHTS_MAX_BYTES, securityInsightsProposals, type SecurityInsightsRule } from '../security-insights.ts';
import { skip } from './common.ts';
import { readOwnFile } from './own-file.ts';

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
      const isFile = (e: RepoEntry) => FILE.test(e.name);
      const { entry, text } = await readOwnFile(evidence.repo, {
        atTop: isFile,
        fallbackDir: '.github',
        inFallbackDir: isFile,
        missingKey: 'skipped.no_security_insights',
        maxBytes: SECURITY_INSIGHTS_MAX_BYTES,
      });
      const result = securityInsightsProposals(text, rules, { name: entry.path, url: entry.htmlUrl });
      if (!result.ok) skip('skipped.file_invalid', { url: entry.htmlUrl });
      return result.proposals;
    },
  };
}
