import type { Detective, Proposals } from '../../../domain/automation.ts';
import { explain, MET, propose, skip, UNMET } from './common.ts';

const DOCS_DIR = /^(doc|docs|documentation)$/i;
/**
 * Only text formats are read. Upstream reads every file in the folder (its extension pattern is
 * optional), images and archives included; reading them finds nothing and costs requests.
 */
const TEXT_FILE = /(\.(md|markdown|txt|rst|adoc|asciidoc|html?|org)|^[^.]+)$/i;
const TOPICS = /\binstall(ation|ing)?\b|\bus(e|age|ing)\b|\bsecur(e|ity)\b/i;
const MAX_FILES = 20;
const MAX_BYTES = 64 * 1024;

/**
 * Basic documentation: a top-level documentation folder whose text mentions installing, using or
 * security. Both Unmet answers are weak (1; upstream says 3 for a missing folder) because the
 * documentation may just as well live in the README or on a web site.
 */
export const docsDir: Detective = {
  name: 'docs-dir',
  inputs: ['repo_url'],
  outputs: ['documentation_basics_status'],
  async analyze(evidence): Promise<Proposals> {
    const repo = evidence.repo;
    if (!repo) skip('skipped.no_forge');
    const top = await repo.files.list();
    if (!top) skip('skipped.listing_unreadable', { url: repo.htmlUrl });
    const dir = top.find((e) => e.type === 'dir' && DOCS_DIR.test(e.name));
    if (!dir) {
      return { documentation_basics_status: propose(UNMET, 1, explain('docs_dir.no_folder')) };
    }
    const entries = ((await repo.files.list(dir.path)) ?? [])
      .filter((e) => e.type === 'file' && TEXT_FILE.test(e.name))
      .slice(0, MAX_FILES);
    for (const entry of entries) {
      const content = await repo.files.read(entry.path, MAX_BYTES);
      if (content !== null && TOPICS.test(content)) {
        return { documentation_basics_status: propose(MET, 3, explain('docs_dir.found', { url: entry.htmlUrl }), entry.htmlUrl) };
      }
    }
    return { documentation_basics_status: propose(UNMET, 1, explain('docs_dir.no_topics', { url: dir.htmlUrl }), dir.htmlUrl) };
  },
};
