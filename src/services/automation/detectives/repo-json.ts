import type { Detective, Proposals } from '../../../domain/automation.ts';
import { bestPracticesJsonProposals, REPO_JSON_MAX_BYTES, type RepoJsonKeys } from '../repo-json.ts';
import { skip } from './common.ts';
import { readOwnFile } from './own-file.ts';

/** Where a repository may keep its answers, in order of preference. */
export const REPO_JSON_PATHS = ['.bestpractices.json', '.project.d/bestpractices.json'] as const;

/**
 * The repository's own answer file (repo-json.ts), run after every other detective so that its
 * 3.5 beats their guesses but no forced fact.
 */
export function repoJson(keys: RepoJsonKeys): Detective {
  const outputs = [...new Set(keys.values())];
  return {
    name: 'repo-json',
    inputs: ['repo_url'],
    outputs,
    async analyze(evidence): Promise<Proposals> {
      const { entry, text } = await readOwnFile(evidence.repo, {
        atTop: (e) => e.path === REPO_JSON_PATHS[0],
        fallbackDir: '.project.d',
        inFallbackDir: (e) => e.path === REPO_JSON_PATHS[1],
        missingKey: 'skipped.no_repo_json',
        maxBytes: REPO_JSON_MAX_BYTES,
      });
      const result = bestPracticesJsonProposals(text, keys, { name: entry.path, url: entry.htmlUrl });
      if (!result.ok) skip('skipped.file_invalid', { url: entry.htmlUrl });
      return result.proposals;
    },
  };
}
