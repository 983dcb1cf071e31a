import type { ForgeRepo, RepoMetadata } from '../../domain/automation.ts';
import type { SafeFetch } from './fetch.ts';
import { encodePath, entry, forgeHttp, isRecord, languagesOf, stringOf } from './http.ts';

// GitLab names licences by its own lower-case keys; only these are translated to SPDX ids, and
// any other key proposes nothing rather than a guess.
const SPDX_OF_GITLAB_KEY: Readonly<Record<string, string>> = {
  'agpl-3.0': 'AGPL-3.0',
  'apache-2.0': 'Apache-2.0',
  'bsd-2-clause': 'BSD-2-Clause',
  'bsd-3-clause': 'BSD-3-Clause',
  'bsl-1.0': 'BSL-1.0',
  'cc0-1.0': 'CC0-1.0',
  'epl-1.0': 'EPL-1.0',
  'epl-2.0': 'EPL-2.0',
  'gpl-2.0': 'GPL-2.0',
  'gpl-3.0': 'GPL-3.0',
  isc: 'ISC',
  'lgpl-2.1': 'LGPL-2.1',
  'lgpl-3.0': 'LGPL-3.0',
  mit: 'MIT',
  'mpl-2.0': 'MPL-2.0',
  unlicense: 'Unlicense',
  zlib: 'Zlib',
};

/**
 * A project on gitlab.com or a self-hosted GitLab through REST v4. `baseUrl` is the web root of
 * the instance (a sub-path is allowed); `path` the project's full namespace path. Anonymous:
 * the GitHub login token means nothing here.
 */
export function gitlabRepo(baseUrl: string, fetch: SafeFetch, path: string): ForgeRepo {
  const http = forgeHttp(fetch, {});
  const api = `${baseUrl}/api/v4/projects/${encodeURIComponent(path)}`;
  const htmlUrl = `${baseUrl}/${path}`;
  const project = async () => {
    const body = await http.json(`${api}?license=true`);
    return isRecord(body) ? body : null;
  };
  const branch = async () => stringOf((await project())?.default_branch) ?? 'HEAD';
  const fileApi = (file: string) => `${api}/repository/files/${encodeURIComponent(file)}`;
  return {
    forge: 'gitlab',
    slug: path,
    htmlUrl,
    async metadata() {
      const repo = await project();
      if (!repo) return null;
      const meta: RepoMetadata = {};
      const name = stringOf(repo.name);
      const description = stringOf(repo.description);
      const key = isRecord(repo.license) ? stringOf(repo.license.key)?.toLowerCase() : undefined;
      const license = key ? SPDX_OF_GITLAB_KEY[key] : undefined;
      const languages = languagesOf(await http.json(`${api}/languages`));
      if (name) meta.name = name;
      if (description) meta.description = description;
      if (license) meta.license = license;
      if (languages) meta.languages = languages;
      if (typeof repo.visibility === 'string') meta.public = repo.visibility === 'public';
      return meta;
    },
    files: {
      async list(dir = '') {
        const ref = await branch();
        const query = new URLSearchParams({ per_page: '100', ref, ...(dir ? { path: dir } : {}) });
        const listing = await http.json(`${api}/repository/tree?${query.toString()}`);
        if (!Array.isArray(listing)) return null;
        const items = listing.filter(
          (i): i is { name: string; path: string; type: string } => isRecord(i) && typeof i.name === 'string' && typeof i.path === 'string' && (i.type === 'blob' || i.type === 'tree'),
        );
        // GitLab's tree carries no sizes: 0 means "not said", and a detective that needs one reads the file.
        return items.map((item) => {
          const dirEntry = item.type === 'tree';
          return entry(item.name, item.path, dirEntry ? 'dir' : 'file', 0, `${htmlUrl}/-/${dirEntry ? 'tree' : 'blob'}/${encodePath(ref)}/${encodePath(item.path)}`);
        });
      },
      async read(file, maxBytes) {
        const ref = await branch();
        return http.text(`${fileApi(file)}/raw?ref=${encodeURIComponent(ref)}`, maxBytes);
      },
    },
  };
}
