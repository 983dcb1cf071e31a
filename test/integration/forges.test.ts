import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ForgeRepo } from '../../src/domain/automation.ts';
import { createSafeFetch } from '../../src/services/forges/fetch.ts';
import { forgeRepoFor, type ForgesConfig } from '../../src/services/forges/index.ts';
import { startFakeForge, type FakeForge } from '../support/fake-forge.ts';

const CONTRIBUTING = `# Contributing\n\n${'Open an issue first, then send a merge request with tests. '.repeat(3)}\n`;
const LICENSE = 'MIT License\n\nPermission is hereby granted, free of charge, to any person obtaining a copy.\n';

let forge: FakeForge;
let forges: ForgesConfig;

beforeAll(async () => {
  forge = await startFakeForge({
    'acme/widget': {
      name: 'widget',
      description: 'Widgets for everyone',
      license: 'MIT',
      languages: { TypeScript: 9000, Shell: 100, CSS: 4000 },
      files: { 'CONTRIBUTING.md': CONTRIBUTING, LICENSE, 'docs/install.md': 'How to install', 'big.txt': 'z'.repeat(60 * 1024) },
    },
    'group/sub/widget': {
      description: 'Nested GitLab project',
      license: 'Apache-2.0',
      languages: { Go: 70, Makefile: 30 },
      defaultBranch: 'trunk',
      files: { 'CONTRIBUTING.md': CONTRIBUTING, 'docs/usage.md': 'Usage notes' },
    },
    'secret/repo': { private: true, files: { 'README.md': 'private' } },
  });
  forges = { github: { baseUrl: forge.url, apiUrl: forge.githubApiUrl }, gitlab: [`${forge.url}/gitlab`], gitea: [`${forge.url}/gitea`] };
});

afterAll(async () => {
  await forge.close();
});

const fetch = () => createSafeFetch({ allowHosts: [forge.hostPort], userAgent: 'badgeapp-test' });

function repoAt(url: string, token?: string): ForgeRepo {
  const repo = forgeRepoFor(url, forges, { fetch: fetch(), githubToken: token });
  if (!repo) throw new Error(`no forge for ${url}`);
  return repo;
}

describe('forge recognition', () => {
  it('recognises each configured forge and refuses other hosts and shapes', () => {
    expect(repoAt(`${forge.url}/acme/widget`)).toMatchObject({ forge: 'github', slug: 'acme/widget' });
    expect(repoAt(`${forge.url}/acme/widget.git`)).toMatchObject({ forge: 'github', slug: 'acme/widget' });
    expect(repoAt(`${forge.url}/gitlab/group/sub/widget/-/tree/main`)).toMatchObject({ forge: 'gitlab', slug: 'group/sub/widget' });
    expect(repoAt(`${forge.url}/gitea/acme/widget`)).toMatchObject({ forge: 'gitea', slug: 'acme/widget' });
    const defaults: ForgesConfig = { github: { baseUrl: 'https://github.com', apiUrl: 'https://api.github.com' }, gitlab: ['https://gitlab.com'], gitea: ['https://codeberg.org'] };
    const access = { fetch: fetch() };
    expect(forgeRepoFor('https://github.com/coreinfrastructure/best-practices-badge', defaults, access)?.forge).toBe('github');
    expect(forgeRepoFor('https://GitHub.com/a/b/', defaults, access)?.slug).toBe('a/b');
    expect(forgeRepoFor('https://gitlab.com/gitlab-org/gitlab', defaults, access)?.forge).toBe('gitlab');
    expect(forgeRepoFor('https://codeberg.org/forgejo/forgejo', defaults, access)?.forge).toBe('gitea');
    for (const other of ['https://example.org/a/b', 'https://github.com/a', 'https://github.com/a/b/c', 'https://github.com/../b', 'ftp://github.com/a/b', 'not a url', '', null]) {
      expect(forgeRepoFor(other, defaults, access)).toBeNull();
    }
  });
});

describe.each([
  ['GitHub', () => `${forge.url}/acme/widget`],
  ['Gitea', () => `${forge.url}/gitea/acme/widget`],
  ['GitLab', () => `${forge.url}/gitlab/group/sub/widget`],
])('%s shape', (shape, url) => {
  it('reports metadata with languages largest first and an SPDX licence', async () => {
    const meta = await repoAt(url()).metadata();
    if (shape === 'GitLab') {
      expect(meta).toEqual({ name: 'widget', description: 'Nested GitLab project', license: 'Apache-2.0', languages: ['Go', 'Makefile'], public: true });
    } else {
      expect(meta).toEqual({ name: 'widget', description: 'Widgets for everyone', license: 'MIT', languages: ['TypeScript', 'CSS', 'Shell'], public: true });
    }
  });

  it('lists the top level and a subdirectory with sizes and evidence links', async () => {
    const repo = repoAt(url());
    const top = await repo.files.list();
    const contributing = top?.find((e) => e.name === 'CONTRIBUTING.md');
    // GitLab's tree has no sizes: 0 stands for "not said".
    expect(contributing).toMatchObject({ type: 'file', path: 'CONTRIBUTING.md', size: shape === 'GitLab' ? 0 : Buffer.byteLength(CONTRIBUTING) });
    expect(contributing?.htmlUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/.+CONTRIBUTING\.md$/);
    expect(top?.find((e) => e.name === 'docs')).toMatchObject({ type: 'dir', size: 0 });
    const docs = await repo.files.list('docs');
    expect(docs?.map((e) => e.path)).toEqual([shape === 'GitLab' ? 'docs/usage.md' : 'docs/install.md']);
    expect(await repo.files.list('missing')).toBeNull();
  });

  it('reads files within the cap and answers null otherwise', async () => {
    const repo = repoAt(url());
    expect(await repo.files.read('CONTRIBUTING.md', 50_000)).toBe(CONTRIBUTING);
    expect(await repo.files.read('CONTRIBUTING.md', 10)).toBeNull();
    expect(await repo.files.read('no-such-file', 50_000)).toBeNull();
    if (shape !== 'GitLab') expect(await repo.files.read('big.txt', 50_000)).toBeNull();
  });

  it('answers null, never throws, when the forge is rate-limited or unknown', async () => {
    forge.rateLimited = true;
    try {
      const repo = repoAt(url());
      expect(await repo.metadata()).toBeNull();
      expect(await repo.files.list()).toBeNull();
      expect(await repo.files.read('CONTRIBUTING.md', 50_000)).toBeNull();
    } finally {
      forge.rateLimited = false;
    }
    const unknown = repoAt(url().replace('widget', 'nothing'));
    expect(await unknown.metadata()).toBeNull();
    expect(await unknown.files.list()).toBeNull();
  });
});

describe('GitHub access', () => {
  it('sends the user token to the GitHub API and nowhere else; private repositories need it', async () => {
    expect(await repoAt(`${forge.url}/secret/repo`).metadata()).toBeNull();
    const before = forge.requests.length;
    const withToken = repoAt(`${forge.url}/secret/repo`, 'gho_usertoken');
    expect(await withToken.metadata()).toMatchObject({ public: false });
    expect(await withToken.files.read('README.md', 1000)).toBe('private');
    const asked = forge.requests.slice(before);
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.every((r) => r.authorization === 'Bearer gho_usertoken' && r.url.startsWith('/api/github/'))).toBe(true);
    // The token is never handed to another forge.
    const mark = forge.requests.length;
    await forgeRepoFor(`${forge.url}/gitea/acme/widget`, forges, { fetch: fetch(), githubToken: 'gho_usertoken' })!.metadata();
    expect(forge.requests.slice(mark).every((r) => r.authorization === undefined)).toBe(true);
  });

  it('asks once per listing and file within one run (per-run cache)', async () => {
    const repo = repoAt(`${forge.url}/acme/widget`);
    const before = forge.requests.length;
    await repo.files.list();
    await repo.files.list();
    await repo.files.read('LICENSE', 50_000);
    await repo.files.read('LICENSE', 50_000);
    expect(forge.requests.length - before).toBe(2);
  });

  it('refuses a forge on a private address that FETCH_ALLOW_HOSTS does not name', async () => {
    const strict = forgeRepoFor(`${forge.url}/acme/widget`, forges, { fetch: createSafeFetch({ userAgent: 'badgeapp-test' }) })!;
    const before = forge.requests.length;
    expect(await strict.metadata()).toBeNull();
    expect(await strict.files.list()).toBeNull();
    expect(forge.requests.length).toBe(before);
  });
});
