import type { Detective, Proposals, RepoEntry } from '../../../domain/automation.ts';
import { bestPracticesJsonProposals, REPO_JSON_MAX_BYTES, type RepoJsonKeys } from '../repo-json.ts';
import { skip } from './common.ts';

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
      const repo = evidence.repo;
      if (!repo) skip('skipped.no_forge');
      const top = await repo.files.list();
      if (!top) skip('skipped.listing_unreadable', { url: repo.htmlUrl });
      let entry: RepoEntry | undefined = top.find((e) => e.type === 'file' && e.path === REPO_JSON_PATHS[0]);
      if (!entry && top.some((e) => e.type === 'dir' && e.name === '.project.d')) {
        entry = ((await repo.files.list('.project.d')) ?? []).find((e) => e.type === 'file' && e.path === REPO_JSON_PATHS[1]);
      }
      if (!entry) skip('skipped.no_repo_json');
      const text = await repo.files.read(entry.path, REPO_JSON_MAX_BYTES);
      if (text === null) skip('skipped.file_unreadable', { url: entry.htmlUrl });
      const result = bestPracticesJsonProposals(text, keys, { name: entry.path, url: entry.htmlUrl });
      if (!result.ok) skip('skipped.file_invalid', { url: entry.htmlUrl });
      return result.proposals;
    },
  };
}
