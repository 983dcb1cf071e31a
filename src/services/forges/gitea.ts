import type { ForgeRepo, RepoEntry, RepoMetadata } from '../../domain/automation.ts';
import type { SafeFetch } from './fetch.ts';
import { encodePath, entry, forgeHttp, isRecord, languagesOf, stringOf } from './http.ts';

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
    async metadata() {
      const repo = await http.json(api);
      if (!isRecord(repo)) return null;
      const meta: RepoMetadata = {};
      const repoName = stringOf(repo.name);
      const description = stringOf(repo.description);
      const licenses = Array.isArray(repo.licenses) ? repo.licenses.filter((l): l is string => typeof l === 'string' && l.trim() !== '') : [];
      const languages = languagesOf(await http.json(`${api}/languages`));
      if (repoName) meta.name = repoName;
      if (description) meta.description = description;
      // Several detected licences are proposed as the conjunction a maintainer would write.
      if (licenses.length > 0) meta.license = licenses.length === 1 ? licenses[0]! : licenses.join(' AND ');
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
          const url = stringOf(item.html_url) ?? `${htmlUrl}/src/branch/HEAD/${encodePath(item.path)}`;
          entries.push(entry(item.name, item.path, item.type, typeof item.size === 'number' ? item.size : 0, url));
        }
        return entries;
      },
      read(file, maxBytes) {
        return http.text(`${api}/raw/${encodePath(file)}`, maxBytes);
      },
    },
  };
}
