import type { Detective, Proposals } from '../../../domain/automation.ts';
import { explain, propose, text } from './common.ts';

/**
 * Hosts whose first label names the host, not the project: for a home page there, the project's
 * name is the last path segment instead (upstream would propose "github" for
 * https://github.com/org/tool).
 */
const SHARED_HOSTS = new Set(['github.com', 'gitlab.com', 'codeberg.org', 'bitbucket.org', 'sourceforge.net', 'gitea.com', 'sr.ht', 'git.sr.ht']);
/** Pages hosts: `owner.github.io/project/` is the project's site, `owner.github.io` the owner's. */
const PAGES_HOST = /\.(github\.io|gitlab\.io|codeberg\.page)$/;

function lastSegment(url: URL): string | undefined {
  const segment = url.pathname.split('/').filter(Boolean).at(-1);
  if (!segment) return undefined;
  const name = decodeURIComponent(segment).replace(/\.git$/i, '').trim();
  return name === '' ? undefined : name;
}

function parse(value: string): URL | undefined {
  if (!/^https?:\/\//i.test(value)) return undefined;
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** A first guess at the project's name from its URLs (confidence 1: anything a person typed wins). */
export function nameFromUrls(homepage: string, repo: string): { name: string; from: string } | undefined {
  const home = parse(homepage);
  if (home) {
    const host = home.hostname.toLowerCase().replace(/^www\./, '');
    const labels = host.split('.');
    const segment = lastSegment(home);
    const pagesProject = PAGES_HOST.test(host) && segment;
    if (!SHARED_HOSTS.has(host) && !pagesProject && labels.length >= 2 && /[a-z]/.test(labels[0]!)) {
      return { name: labels[0]!, from: homepage };
    }
    if (segment) return { name: segment, from: homepage };
  }
  const repository = parse(repo);
  const segment = repository && lastSegment(repository);
  return segment ? { name: segment, from: repo } : undefined;
}

export const nameFromUrl: Detective = {
  name: 'name-from-url',
  inputs: ['repo_url', 'homepage_url'],
  outputs: ['name'],
  analyze(_evidence, current): Promise<Proposals> {
    const guess = nameFromUrls(text(current, 'homepage_url'), text(current, 'repo_url'));
    if (!guess) return Promise.resolve({});
    return Promise.resolve({ name: propose(guess.name, 1, explain('name_from_url', { url: guess.from })) });
  },
};
