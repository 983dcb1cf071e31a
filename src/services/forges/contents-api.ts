import type { RepoEntry, RepoMetadata } from '../../domain/automation.ts';
import { encodePath, entry, isRecord, languagesOf, stringOf, type ForgeHttp } from './http.ts';

/**
 * What the GitHub and Gitea clients share: Gitea's REST API copies GitHub's for a repository
 * (`<api>` itself, `<api>/languages`, `<api>/contents`), so both are read here; each forge says
 * only how it reports the licence and where an entry's web page is when the listing omits it.
 * `api` is the repository's REST root, `…/repos/<owner>/<name>`.
 */

/** The repository's facts; `licenseOf` answers the SPDX expression the forge reports, if any. */
export async function contentsApiMetadata(http: ForgeHttp, api: string, licenseOf: (repo: Record<string, unknown>) => string | undefined): Promise<RepoMetadata | null> {
  const repo = await http.json(api);
  if (!isRecord(repo)) return null;
  const license = licenseOf(repo);
  const languages = languagesOf(await http.json(`${api}/languages`));
  const meta: RepoMetadata = {};
  const repoName = stringOf(repo.name);
  const description = stringOf(repo.description);
  if (repoName) meta.name = repoName;
  if (description) meta.description = description;
  if (license) meta.license = license;
  if (languages) meta.languages = languages;
  if (typeof repo.private === 'boolean') meta.public = !repo.private;
  return meta;
}

/** Files and directories of `dir` (the top level when empty); other entry types are left out. */
export async function contentsApiList(http: ForgeHttp, api: string, dir: string, webUrlOf: (type: RepoEntry['type'], path: string) => string): Promise<RepoEntry[] | null> {
  const listing = await http.json(dir ? `${api}/contents/${encodePath(dir)}` : `${api}/contents`);
  if (!Array.isArray(listing)) return null;
  const entries: RepoEntry[] = [];
  for (const item of listing) {
    if (!isRecord(item) || typeof item.name !== 'string' || typeof item.path !== 'string') continue;
    if (item.type !== 'file' && item.type !== 'dir') continue;
    const url = stringOf(item.html_url) ?? webUrlOf(item.type, item.path);
    entries.push(entry(item.name, item.path, item.type, typeof item.size === 'number' ? item.size : 0, url));
  }
  return entries;
}
