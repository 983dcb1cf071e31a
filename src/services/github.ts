import { LRUCache } from 'lru-cache';
import type { Project } from '../domain/project.ts';
import type { User } from '../domain/user.ts';

/**
 * The GitHub API calls the application makes, behind an interface so tests point it at a fake
 * server on 127.0.0.1 and GitHub Enterprise users point it at their own host.
 */
export interface GithubClient {
  /**
   * Whether the user (whose token this is) may push to owner/repo; false when GitHub says no or
   * cannot tell.
   */
  canPush(userId: number, token: string, owner: string, repo: string): Promise<boolean>;
}

export interface PushCacheOptions {
  /** Most (user, repository) answers kept; the least recently used go first. */
  maxEntries?: number;
  ttlMs?: number;
  /** Clock for expiry, in milliseconds (tests). */
  now?: () => number;
}

export function createGithubClient(apiUrl: string, options: PushCacheOptions & { fetch?: typeof fetch } = {}): GithubClient {
  const fetchImpl = options.fetch ?? fetch;
  // Push rights change rarely, and every edit page would otherwise call GitHub. Keyed by user, not
  // token: a new login must not multiply entries, and two users never share an answer.
  const cache = new LRUCache<string, boolean>({
    max: options.maxEntries ?? 10_000,
    ttl: options.ttlMs ?? 5 * 60 * 1000,
    ...(options.now ? { perf: { now: options.now }, ttlResolution: 0 } : {}),
  });
  return {
    async canPush(userId, token, owner, repo) {
      const key = `${userId}:${owner.toLowerCase()}/${repo.toLowerCase()}`;
      const hit = cache.get(key);
      if (hit !== undefined) return hit;
      let answer: boolean | null = null;
      try {
        const res = await fetchImpl(`${apiUrl}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`, {
          headers: { Authorization: `Bearer ${token}`, Accept: 'application/vnd.github+json', 'User-Agent': 'badgeapp' },
          signal: AbortSignal.timeout(5000),
        });
        if (res.ok) {
          const body = (await res.json()) as { permissions?: { push?: unknown } };
          answer = body.permissions?.push === true;
        } else if (res.status === 404) {
          // The repository does not exist or the user cannot see it: a real "no".
          answer = false;
        }
      } catch {
        // GitHub unreachable or an unreadable reply: no answer.
      }
      // Only GitHub's answers are kept; a failure (expired token, rate limit, outage) grants
      // nothing now and is asked again next time.
      if (answer === null) return false;
      cache.set(key, answer);
      return answer;
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
  user: Pick<User, 'id' | 'provider' | 'nickname'> | undefined,
  token: string | undefined,
  project: Pick<Project, 'repoUrl'>,
): Promise<boolean> {
  if (!client || !baseUrl || user?.provider !== 'github' || !token) return false;
  const repo = githubRepoOf(project, baseUrl);
  if (!repo) return false;
  if (user.nickname && repo.owner.toLowerCase() === user.nickname.toLowerCase()) return true;
  return client.canPush(user.id, token, repo.owner, repo.repo);
}
