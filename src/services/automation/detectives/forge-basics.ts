import type { Detective, FieldName, Proposals } from '../../../domain/automation.ts';
import { explain, MET, propose, skip } from './common.ts';

/** Languages a forge counts that are not what a project is written in (upstream's filter). */
const NOT_IMPLEMENTATION_LANGUAGES = new Set(['html', 'css', 'roff', 'digital command language']);

/** `:rocket:`-style shortcodes render as pictures on the forge and as noise in our description. */
export function withoutEmojiShortcodes(description: string): string {
  return description.replace(/:[a-z0-9_+-]+:/gi, '').replace(/\s{2,}/g, ' ').trim();
}

/**
 * What hosting on a public git forge answers by itself (issue tracker, public history, git being
 * distributed), and the forge's own metadata. Generalises upstream's GitHub-only detective to every
 * forge behind `ForgeRepo`; the two-factor claim stays GitHub-only because only GitHub requires
 * two-factor authentication of everyone who contributes code.
 */
export const forgeBasics: Detective = {
  name: 'forge-basics',
  inputs: ['repo_url'],
  outputs: [
    'repo_public_status', 'repo_track_status', 'repo_distributed_status', 'contribution_status',
    'discussion_status', 'osps_gv_02_01_status', 'osps_do_02_01_status', 'osps_ac_01_01_status',
    'osps_qa_01_01_status', 'osps_qa_01_02_status',
    'name', 'description', 'license', 'implementation_languages',
  ],
  overridableOutputs: ['repo_track_status', 'repo_distributed_status'],
  async analyze(evidence): Promise<Proposals> {
    const repo = evidence.repo;
    if (!repo) skip('skipped.no_forge');
    const metadata = await repo.metadata();
    if (metadata?.public === false) skip('skipped.not_public', { url: repo.htmlUrl });

    const proposals: Proposals = {};
    const forge = { forge: repo.forge, url: repo.htmlUrl };
    const status = (field: FieldName, confidence: number, key: string) => {
      proposals[field] = propose(MET, confidence, explain(`forge.${key}`, forge), repo.htmlUrl);
    };
    status('repo_public_status', 3, 'public');
    status('repo_track_status', 4, 'git');
    status('repo_distributed_status', 4, 'git');
    status('contribution_status', 2, 'pull_requests');
    status('discussion_status', 3, 'issues');
    status('osps_gv_02_01_status', 3, 'issues');
    status('osps_do_02_01_status', 2, 'issues');
    status('osps_qa_01_01_status', 3, 'public');
    status('osps_qa_01_02_status', 3, 'git');
    if (repo.forge === 'github') status('osps_ac_01_01_status', 3, 'github_2fa');

    if (metadata) {
      const meta = (field: FieldName, value: string | undefined) => {
        const clean = value?.trim();
        if (clean) proposals[field] = propose(clean, 3, explain('forge.metadata', forge), repo.htmlUrl);
      };
      meta('name', metadata.name);
      meta('description', metadata.description && withoutEmojiShortcodes(metadata.description));
      if (metadata.license && metadata.license.toUpperCase() !== 'NOASSERTION') meta('license', metadata.license);
      meta('implementation_languages', metadata.languages
        ?.filter((l) => !NOT_IMPLEMENTATION_LANGUAGES.has(l.toLowerCase()))
        .join(', '));
    }
    return proposals;
  },
};
