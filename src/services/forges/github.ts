import type { ForgeRepo, RepoEntry, RepoMetadata } from '../../domain/automation.ts';
import type { SafeFetch } from './fetch.ts';
import { encodePath, entry, forgeHttp, isRecord, languagesOf, stringOf } from './http.ts';

export interface GithubForgeConfig {
  /** Web root (https://github.com, or a GitHub Enterprise host). */
  baseUrl: string;
  /** REST root (https://api.github.com, or https://<host>/api/v3). */
  apiUrl: string;
}

/**
 * A repository on GitHub or GitHub Enterprise through the REST API. With the user's OAuth token
 * (they logged in with GitHub) private repositories they can read are visible and the rate
 * limit is theirs; without it every call is anonymous.
 */
export function githubRepo(config: GithubForgeConfig, fetch: SafeFetch, owner: string, name: string, token?: string): ForgeRepo {
  const http = forgeHttp(fetch, {
    accept: 'application/vnd.github+json',
    'x-github-api-version': '2022-11-28',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  });
  const api = `${config.apiUrl}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`;
  const htmlUrl = `${config.baseUrl}/${owner}/${name}`;
  return {
    forge: 'github',
    slug: `${owner}/${name}`,
    htmlUrl,
    async metadata() {
      const repo = await http.json(api);
      if (!isRecord(repo)) return null;
      const license = isRecord(repo.license) ? stringOf(repo.license.spdx_id) : undefined;
      const languages = languagesOf(await http.json(`${api}/languages`));
      const meta: RepoMetadata = {};
      const repoName = stringOf(repo.name);
      const description = stringOf(repo.description);
      if (repoName) meta.name = repoName;
      if (description) meta.description = description;
      if (license && license !== 'NOASSERTION') meta.license = license;
      if (languages) meta.languages = languages;
      if (typeof repo.private === 'boolean') meta.public = !repo.private;
      return meta;
    },
    files: {
      async list(dir = '') {
        const listing = await http.json(dir ? `${api}/contents/${encodePath(dir)}` : `${api}/contents`);
        if (!Array.isArray(listing)) return null;
        const entries: RepoEntry[] = [];
        for (const item of listing) {
          if (!isRecord(item) || typeof item.name !== 'string' || typeof item.path !== 'string') continue;
          if (item.type !== 'file' && item.type !== 'dir') continue;
          const url = stringOf(item.html_url) ?? `${htmlUrl}/${item.type === 'dir' ? 'tree' : 'blob'}/HEAD/${encodePath(item.path)}`;
          entries.push(entry(item.name, item.path, item.type, typeof item.size === 'number' ? item.size : 0, url));
        }
        return entries;
      },
      read(path, maxBytes) {
        // The raw media type answers the file itself instead of base64 inside JSON.
        return http.text(`${api}/contents/${encodePath(path)}`, maxBytes, { accept: 'application/vnd.github.raw' });
      },
    },
  };
}
