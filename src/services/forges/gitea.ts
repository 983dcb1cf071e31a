import type { ForgeRepo } from '../../domain/automation.ts';
import { contentsApiList, contentsApiMetadata } from './contents-api.ts';
import type { SafeFetch } from './fetch.ts';
import { encodePath, forgeHttp } from './http.ts';

/**
 * A repository on Gitea or Forgejo (codeberg.org and self-hosted) through `/api/v1`, anonymous.
 * Recent versions report detected licences as SPDX ids (`licenses`); older ones say nothing.
 */
export function giteaRepo(baseUrl: string, fetch: SafeFetch, owner: string, name: string): ForgeRepo {
  const http = forgeHttp(fetch, {});
  const api = `${baseUrl}/api/v1/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`;
  const htmlUrl = `${baseUrl}/${owner}/${name}`;
  return {
    forge: 'gitea',
    slug: `${owner}/${name}`,
    htmlUrl,
    metadata: () =>
      contentsApiMetadata(http, api, (repo) => {
        const licenses = Array.isArray(repo.licenses) ? repo.licenses.filter((l): l is string => typeof l === 'string' && l.trim() !== '') : [];
        // Several detected licences are proposed as the conjunction a maintainer would write.
        return licenses.length === 0 ? undefined : licenses.length === 1 ? licenses[0] : licenses.join(' AND ');
      }),
    files: {
      list: (dir = '') => contentsApiList(http, api, dir, (_type, path) => `${htmlUrl}/src/branch/HEAD/${encodePath(path)}`),
      read(file, maxBytes) {
        return http.text(`${api}/raw/${encodePath(file)}`, maxBytes);
      },
    },
  };
}
