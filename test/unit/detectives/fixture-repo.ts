/**
 * An in-memory repository for detective tests: a file tree (path → content, or a size for files
 * whose content does not matter) behind the domain's ForgeRepo / RepoFiles interfaces.
 */
import type { Evidence, ForgeKind, ForgeRepo, RepoEntry, RepoMetadata } from '../../../src/domain/automation.ts';

export type Tree = Record<string, string | { size: number }>;

export interface FakeRepoOptions {
  forge?: ForgeKind;
  metadata?: RepoMetadata | null;
  /** Listing answers null (the forge could not tell). */
  unlistable?: boolean;
  /** Sizes reported as 0 (a forge that does not say). */
  hideSizes?: boolean;
}

export const REPO_URL = 'https://github.com/acme/widget';

export function fakeRepo(tree: Tree, options: FakeRepoOptions = {}): ForgeRepo & { reads: string[] } {
  const reads: string[] = [];
  const dirs = new Set<string>();
  for (const path of Object.keys(tree)) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  const sizeOf = (path: string) => {
    const node = tree[path]!;
    return typeof node === 'string' ? Buffer.byteLength(node) : node.size;
  };
  const entry = (path: string, type: 'file' | 'dir'): RepoEntry => ({
    name: path.split('/').at(-1)!,
    path,
    type,
    size: type === 'file' && !options.hideSizes ? sizeOf(path) : 0,
    htmlUrl: `${REPO_URL}/${type === 'file' ? 'blob' : 'tree'}/main/${path}`,
  });
  return {
    forge: options.forge ?? 'github',
    slug: 'acme/widget',
    htmlUrl: REPO_URL,
    reads,
    metadata: () => Promise.resolve(options.metadata === undefined ? null : options.metadata),
    files: {
      list(dir = '') {
        if (options.unlistable) return Promise.resolve(null);
        if (dir !== '' && !dirs.has(dir)) return Promise.resolve(null);
        const prefix = dir === '' ? '' : `${dir}/`;
        const direct = (p: string) => p.startsWith(prefix) && !p.slice(prefix.length).includes('/');
        return Promise.resolve([
          ...[...dirs].filter(direct).map((p) => entry(p, 'dir')),
          ...Object.keys(tree).filter(direct).map((p) => entry(p, 'file')),
        ]);
      },
      read(path, maxBytes) {
        reads.push(path);
        const node = tree[path];
        if (node === undefined || sizeOf(path) > maxBytes) return Promise.resolve(null);
        return Promise.resolve(typeof node === 'string' ? node : 'x'.repeat(node.size));
      },
    },
  };
}

export function evidenceFor(repo: ForgeRepo | null, headers: Record<string, Record<string, string> | null> = {}): Evidence {
  return { repo, siteHeaders: (url) => Promise.resolve(headers[url] ?? null) };
}
