import type { ForgeRepo } from '../../domain/automation.ts';
import type { SafeFetch } from './fetch.ts';
import { giteaRepo } from './gitea.ts';
import { githubRepo, type GithubForgeConfig } from './github.ts';
import { gitlabRepo } from './gitlab.ts';

/** The forges automation may read (src/config.ts: GITHUB_*_URL, GITLAB_URL, GITEA_URL). */
export interface ForgesConfig {
  github: GithubForgeConfig;
  /** Web roots of GitLab instances, without a trailing slash. */
  gitlab: readonly string[];
  /** Web roots of Gitea or Forgejo instances, without a trailing slash. */
  gitea: readonly string[];
}

export interface ForgeAccess {
  fetch: SafeFetch;
  /** The OAuth token of a user who logged in with GitHub; only ever sent to the GitHub forge. */
  githubToken?: string | undefined;
}

// Owner, group and repository names on all three forges; `.`-only segments never name a repository.
const SEGMENT = /^[\w.-]{1,255}$/;

function segmentsAfter(url: URL, base: string): string[] | null {
  let root: URL;
  try {
    root = new URL(base);
  } catch {
    return null;
  }
  if (url.host.toLowerCase() !== root.host.toLowerCase()) return null;
  const prefix = root.pathname.endsWith('/') ? root.pathname.slice(0, -1) : root.pathname;
  if (prefix && url.pathname !== prefix && !url.pathname.startsWith(`${prefix}/`)) return null;
  let rest = url.pathname.slice(prefix.length);
  // GitLab's web pages below a project (`/-/tree/main`, `/-/issues`) still name the project.
  const dash = rest.indexOf('/-/');
  if (dash >= 0) rest = rest.slice(0, dash);
  const segments = rest.split('/').filter((s) => s !== '');
  const last = segments.length - 1;
  if (last >= 0) segments[last] = segments[last]!.replace(/\.git$/i, '');
  if (segments.some((s) => !SEGMENT.test(s) || /^\.+$/.test(s))) return null;
  return segments;
}

/**
 * The repository a project's `repo_url` names on one of the configured forges, or null (another
 * host, or not a repository address). GitHub and Gitea take exactly `owner/name`; GitLab any
 * namespace depth.
 */
export function forgeRepoFor(repoUrl: string | null | undefined, forges: ForgesConfig, access: ForgeAccess): ForgeRepo | null {
  if (!repoUrl) return null;
  let url: URL;
  try {
    url = new URL(repoUrl);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  const candidates: { kind: ForgeRepo['forge']; base: string }[] = [
    { kind: 'github', base: forges.github.baseUrl },
    ...forges.gitlab.map((base) => ({ kind: 'gitlab' as const, base })),
    ...forges.gitea.map((base) => ({ kind: 'gitea' as const, base })),
  ];
  // The deepest root first: one host may serve a forge at / and another under /gitlab.
  const depth = (base: string) => base.split('/').length;
  candidates.sort((a, b) => depth(b.base) - depth(a.base));
  for (const { kind, base } of candidates) {
    const segments = segmentsAfter(url, base);
    if (!segments) continue;
    if (kind === 'gitlab') return segments.length >= 2 ? gitlabRepo(base, access.fetch, segments.join('/')) : null;
    if (segments.length !== 2) return null;
    const [owner, name] = segments as [string, string];
    return kind === 'github' ? githubRepo(forges.github, access.fetch, owner, name, access.githubToken) : giteaRepo(base, access.fetch, owner, name);
  }
  return null;
}

export { createSafeFetch, FetchError, type SafeFetch } from './fetch.ts';
