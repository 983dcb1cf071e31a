import type { ForgeRepo } from '../../domain/automation.ts';
import { contentsApiList, contentsApiMetadata } from './contents-api.ts';
import type { SafeFetch } from './fetch.ts';
import { encodePath, forgeHttp, isRecord, stringOf } from './http.ts';

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
    metadata: () =>
      contentsApiMetadata(http, api, (repo) => {
        const license = isRecord(repo.license) ? stringOf(repo.license.spdx_id) : undefined;
        return license === 'NOASSERTION' ? undefined : license;
      }),
    files: {
      list: (dir = '') => contentsApiList(http, api, dir, (type, path) => `${htmlUrl}/${type === 'dir' ? 'tree' : 'blob'}/HEAD/${encodePath(path)}`),
      read(path, maxBytes) {
        // The raw media type answers the file itself instead of base64 inside JSON.
        return http.text(`${api}/contents/${encodePath(path)}`, maxBytes, { accept: 'application/vnd.github.raw' });
      },
    },
  };
}
