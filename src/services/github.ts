import type { Project, User } from '../db/types.ts';

/**
 * The GitHub API calls the application makes, behind an interface so tests point it at a fake
 * server on 127.0.0.1 and GitHub Enterprise users point it at their own host.
 */
export interface GithubClient {
  /** Whether the token's user may push to owner/repo; false when GitHub says no or cannot tell. */
  canPush(token: string, owner: string, repo: string): Promise<boolean>;
}

const PUSH_CACHE_MS = 5 * 60 * 1000;

export function createGithubClient(apiUrl: string, fetchImpl: typeof fetch = fetch): GithubClient {
  // Push rights change rarely, and every edit page would otherwise call GitHub.
  const cache = new Map<string, { value: boolean; expires: number }>();
  return {
    async canPush(token, owner, repo) {
      const key = `${token.slice(-8)}:${owner}/${repo}`.toLowerCase();
      const hit = cache.get(key);
      if (hit && hit.expires > Date.now()) return hit.value;
      let value = false;
      try {
        const res = await fetchImpl(`${apiUrl}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`, {
          headers: { Authorization: `Bearer ${token}`, Accept: 'application/vnd.github+json', 'User-Agent': 'badgeapp' },
          signal: AbortSignal.timeout(5000),
        });
        if (res.ok) {
          const body = (await res.json()) as { permissions?: { push?: unknown } };
          value = body.permissions?.push === true;
        }
      } catch {
        // GitHub unreachable: grant nothing rather than fail the page.
        value = false;
      }
      cache.set(key, { value, expires: Date.now() + PUSH_CACHE_MS });
      return value;
    },
  };
}

/** owner/repo when the project's repository is on the configured GitHub host. */
export function githubRepoOf(project: Pick<Project, 'repoUrl'>, baseUrl: string): { owner: string; repo: string } | null {
  if (!project.repoUrl) return null;
  const base = new URL(baseUrl);
  let url: URL;
  try {
    url = new URL(project.repoUrl);
  } catch {
    return null;
  }
  if (url.host !== base.host) return null;
  const match = /^\/([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+)$/.exec(url.pathname);
  return match ? { owner: match[1]!, repo: match[2]! } : null;
}

/** GitHub users who can push to the project's GitHub repository may edit it like collaborators. */
export async function isGithubPusher(
  client: GithubClient | null,
  baseUrl: string | undefined,
  user: Pick<User, 'provider' | 'nickname'> | undefined,
  token: string | undefined,
  project: Pick<Project, 'repoUrl'>,
): Promise<boolean> {
  if (!client || !baseUrl || user?.provider !== 'github' || !token) return false;
  const repo = githubRepoOf(project, baseUrl);
  if (!repo) return false;
  if (user.nickname && repo.owner.toLowerCase() === user.nickname.toLowerCase()) return true;
  return client.canPush(token, repo.owner, repo.repo);
}
