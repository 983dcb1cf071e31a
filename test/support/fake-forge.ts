import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One repository: its files (path → content; directories are implied) and what the forge says about it. */
export interface FakeRepo {
  files: Record<string, string>;
  name?: string;
  description?: string | null;
  /** SPDX id; the GitLab shape reports it as GitLab's lower-case key. */
  license?: string | null;
  /** Language → bytes. */
  languages?: Record<string, number>;
  private?: boolean;
  defaultBranch?: string;
}

export interface ForgeRequest {
  method: string;
  /** Raw path and query, as sent. */
  url: string;
  authorization: string | undefined;
  accept: string | undefined;
  userAgent: string | undefined;
}

export interface FakeForge {
  /** http://127.0.0.1:<port>: GitHub's web root (GITHUB_BASE_URL); GitLab at `${url}/gitlab`, Gitea at `${url}/gitea`. */
  url: string;
  /** `127.0.0.1:<port>`, for FETCH_ALLOW_HOSTS. */
  hostPort: string;
  /** GitHub's REST root (GITHUB_API_URL). */
  githubApiUrl: string;
  requests: ForgeRequest[];
  /** Every API request answers 403 "rate limit exceeded" while true. */
  rateLimited: boolean;
  /** Headers sent with pages that are not API calls (HardenedSites reads them). */
  siteHeaders: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Repositories are keyed by slug; a key ending in `*` answers for every slug with that prefix.
 *
 * GitHub-, GitLab- and Gitea-shaped APIs on 127.0.0.1, all serving the same fixture repositories
 * (keyed by `owner/name`, or a GitLab namespace path): GitHub's `/api/github/repos/…` (contents,
 * raw media type, languages), GitLab's `/api/v4/projects/:id` (tree, HEAD for sizes, raw files,
 * languages, `?license=true`) and Gitea's `/api/v1/repos/…` (contents, raw, languages). Anything
 * else is a plain page with `siteHeaders`. Records every request with its Authorization header.
 */
export async function startFakeForge(repos: Record<string, FakeRepo>, options: { port?: number } = {}): Promise<FakeForge> {
  const requests: ForgeRequest[] = [];
  const state = { rateLimited: false, siteHeaders: {} as Record<string, string> };

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const notFound = (res: ServerResponse) => {
    json(res, 404, { message: 'Not Found' });
  };
  const dirsOf = (repo: FakeRepo): Set<string> => {
    const dirs = new Set<string>();
    for (const file of Object.keys(repo.files)) {
      const parts = file.split('/');
      for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
    }
    return dirs;
  };
  /** Entries directly inside dir ('' = root), directories first as forges list them. */
  const listing = (repo: FakeRepo, dir: string): { name: string; path: string; type: 'file' | 'dir'; size: number }[] | null => {
    const dirs = dirsOf(repo);
    if (dir !== '' && !dirs.has(dir)) return null;
    const prefix = dir === '' ? '' : `${dir}/`;
    const inside = (p: string) => p.startsWith(prefix) && !p.slice(prefix.length).includes('/');
    return [
      ...[...dirs].filter(inside).map((p) => ({ name: p.slice(prefix.length), path: p, type: 'dir' as const, size: 0 })),
      ...Object.entries(repo.files)
        .filter(([p]) => inside(p))
        .map(([p, content]) => ({ name: p.slice(prefix.length), path: p, type: 'file' as const, size: Buffer.byteLength(content) })),
    ];
  };
  // A key ending in `*` serves every repository whose slug starts with the rest (one fixture, many entries).
  const find = (slug: string): FakeRepo | undefined =>
    repos[slug] ?? Object.entries(repos).find(([key]) => key.endsWith('*') && slug.startsWith(key.slice(0, -1)))?.[1];
  const gitlabKey = (spdx: string | null | undefined) => (spdx ? spdx.toLowerCase() : null);

  let base = '';
  const github = (req: IncomingMessage, res: ServerResponse, parts: string[]) => {
    // /api/github/repos/:owner/:name[/languages | /contents[/...path]]
    const [owner, name, what, ...rest] = parts;
    const repo = find(`${owner}/${name}`);
    if (!repo || (repo.private && !req.headers.authorization)) { notFound(res); return; }
    const web = `${base}/${owner}/${name}`;
    if (what === undefined) {
      json(res, 200, {
        name,
        full_name: `${owner}/${name}`,
        description: repo.description ?? null,
        private: repo.private ?? false,
        license: repo.license === undefined ? null : { spdx_id: repo.license ?? 'NOASSERTION' },
        default_branch: repo.defaultBranch ?? 'main',
      }); return;
    }
    if (what === 'languages') { json(res, 200, repo.languages ?? {}); return; }
    if (what !== 'contents') { notFound(res); return; }
    const path = rest.join('/');
    if (path in repo.files) {
      if ((req.headers.accept ?? '').includes('application/vnd.github.raw')) {
        res.writeHead(200, { 'content-type': 'application/vnd.github.raw' });
        return res.end(repo.files[path]);
      }
      json(res, 200, { name: rest.at(-1), path, type: 'file', size: Buffer.byteLength(repo.files[path]!), content: Buffer.from(repo.files[path]!).toString('base64'), encoding: 'base64' }); return;
    }
    const entries = listing(repo, path);
    if (!entries) { notFound(res); return; }
    json(res, 200, entries.map((e) => ({ ...e, html_url: `${web}/${e.type === 'dir' ? 'tree' : 'blob'}/main/${e.path}` })));
  };

  const gitlab = (req: IncomingMessage, res: ServerResponse, parts: string[], query: URLSearchParams) => {
    // /api/v4/projects/:id[/languages | /repository/tree | /repository/files/:path[/raw]]
    const [id, what, sub, file, raw] = parts;
    const repo = find(id ?? '');
    if (!repo || repo.private) { notFound(res); return; }
    if (what === undefined) {
      const key = gitlabKey(repo.license);
      json(res, 200, {
        name: id!.split('/').at(-1),
        path_with_namespace: id,
        description: repo.description ?? null,
        visibility: 'public',
        default_branch: repo.defaultBranch ?? 'main',
        ...(query.get('license') === 'true' ? { license: key ? { key, name: repo.license, nickname: null } : null } : {}),
      }); return;
    }
    if (what === 'languages') {
      const total = Object.values(repo.languages ?? {}).reduce((a, b) => a + b, 0) || 1;
      json(res, 200, Object.fromEntries(Object.entries(repo.languages ?? {}).map(([k, v]) => [k, Math.round((v / total) * 10000) / 100]))); return;
    }
    if (what !== 'repository') { notFound(res); return; }
    if (query.get('ref') !== (repo.defaultBranch ?? 'main')) { json(res, 404, { message: '404 Commit Not Found' }); return; }
    if (sub === 'tree') {
      const entries = listing(repo, query.get('path') ?? '');
      if (!entries) { json(res, 404, { message: '404 Tree Not Found' }); return; }
      json(res, 200, entries.map((e) => ({ id: 'x', name: e.name, path: e.path, type: e.type === 'dir' ? 'tree' : 'blob', mode: '100644' }))); return;
    }
    if (sub === 'files' && file !== undefined && file in repo.files) {
      const content = repo.files[file]!;
      if (raw === 'raw') {
        res.writeHead(200, { 'content-type': 'text/plain', 'x-gitlab-size': String(Buffer.byteLength(content)) });
        return res.end(content);
      }
      res.writeHead(200, { 'content-type': 'application/json', 'x-gitlab-size': String(Buffer.byteLength(content)), 'x-gitlab-file-path': file });
      return res.end(req.method === 'HEAD' ? undefined : JSON.stringify({ file_name: file, size: Buffer.byteLength(content) }));
    }
    notFound(res);
  };

  const gitea = (_req: IncomingMessage, res: ServerResponse, parts: string[]) => {
    // /api/v1/repos/:owner/:name[/languages | /contents[/...] | /raw/...]
    const [owner, name, what, ...rest] = parts;
    const repo = find(`${owner}/${name}`);
    if (!repo || repo.private) { notFound(res); return; }
    const web = `${base}/gitea/${owner}/${name}`;
    if (what === undefined) {
      json(res, 200, {
        name,
        full_name: `${owner}/${name}`,
        description: repo.description ?? '',
        private: false,
        default_branch: repo.defaultBranch ?? 'main',
        licenses: repo.license ? [repo.license] : [],
      }); return;
    }
    if (what === 'languages') { json(res, 200, repo.languages ?? {}); return; }
    const path = rest.join('/');
    if (what === 'raw') {
      if (!(path in repo.files)) { notFound(res); return; }
      res.writeHead(200, { 'content-type': 'text/plain' });
      return res.end(repo.files[path]);
    }
    if (what !== 'contents') { notFound(res); return; }
    if (path in repo.files) { json(res, 200, { name: rest.at(-1), path, type: 'file', size: Buffer.byteLength(repo.files[path]!) }); return; }
    const entries = listing(repo, path);
    if (!entries) { notFound(res); return; }
    json(res, 200, entries.map((e) => ({ ...e, html_url: `${web}/src/branch/main/${e.path}` })));
  };

  const server = createServer((req, res) => {
    const raw = req.url ?? '/';
    requests.push({ method: req.method ?? 'GET', url: raw, authorization: req.headers.authorization, accept: req.headers.accept, userAgent: req.headers['user-agent'] });
    const [pathname = '', search = ''] = raw.split('?');
    const query = new URLSearchParams(search);
    // Segments decoded one by one: GitLab's project id and file path keep their encoded slashes.
    let parts = pathname.split('/').filter((p) => p !== '').map((p) => decodeURIComponent(p));
    // GitLab and Gitea are mounted under /gitlab and /gitea, so one host can serve all three.
    if (parts[0] === 'gitlab' || parts[0] === 'gitea') parts = parts.slice(1);
    const api = parts[0] === 'api';
    if (api && state.rateLimited) {
      res.writeHead(403, { 'content-type': 'application/json', 'x-ratelimit-remaining': '0' });
      return res.end('{"message":"API rate limit exceeded"}');
    }
    if (api && parts[1] === 'github' && parts[2] === 'repos') return github(req, res, parts.slice(3));
    if (api && parts[1] === 'v4' && parts[2] === 'projects') return gitlab(req, res, parts.slice(3), query);
    if (api && parts[1] === 'v1' && parts[2] === 'repos') return gitea(req, res, parts.slice(3));
    if (api) { notFound(res); return; }
    res.writeHead(200, { 'content-type': 'text/html', ...state.siteHeaders });
    res.end('<!doctype html><title>fake forge</title>');
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;
  return {
    url: base,
    hostPort: `127.0.0.1:${port}`,
    githubApiUrl: `${base}/api/github`,
    requests,
    get rateLimited() {
      return state.rateLimited;
    },
    set rateLimited(value: boolean) {
      state.rateLimited = value;
    },
    get siteHeaders() {
      return state.siteHeaders;
    },
    set siteHeaders(value: Record<string, string>) {
      state.siteHeaders = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
