import { describe, expect, it } from 'vitest';
import { DetectiveSkipped } from '../../../src/domain/automation.ts';
import { buildFiles } from '../../../src/services/automation/detectives/build-files.ts';
import { docsDir } from '../../../src/services/automation/detectives/docs-dir.ts';
import { forgeBasics, withoutEmojiShortcodes } from '../../../src/services/automation/detectives/forge-basics.ts';
import { repoFiles } from '../../../src/services/automation/detectives/repo-files.ts';
import { evidenceFor, fakeRepo, REPO_URL, type Tree } from './fixture-repo.ts';

const big = (n: number) => ({ size: n });

/** A typical small project: README, MIT licence, contribution guide, changelog, Makefile. */
const typical: Tree = {
  'README.md': '# Widget\n',
  'LICENSE': 'MIT License\n\nCopyright (c) 2026 Acme\n\nPermission is hereby granted…',
  'CONTRIBUTING.md': '# Contributing\n\nOpen a pull request against main; every change needs a test and a review before merge.\n',
  'CHANGELOG.md': '## 1.0.0\n\n- First release with widgets.\n',
  'Makefile': 'all:\n\tcc -o widget widget.c\n',
  'src/widget.c': 'int main(void) { return 0; }\n',
};

describe('forge-basics', () => {
  const metadata = { name: 'widget', description: ':sparkles: Widgets  for everyone :rocket:', license: 'MIT', languages: ['C', 'HTML', 'Shell', 'Roff'], public: true };

  it('proposes what public git hosting answers, and the forge metadata with upstream\'s filters', async () => {
    const result = await forgeBasics.analyze(evidenceFor(fakeRepo(typical, { metadata })), {});
    expect(result.repo_track_status).toMatchObject({ value: 3, confidence: 4, evidenceUrl: REPO_URL });
    expect(result.repo_distributed_status).toMatchObject({ value: 3, confidence: 4 });
    expect(result.repo_public_status).toMatchObject({ value: 3, confidence: 3 });
    expect(result.contribution_status).toMatchObject({ value: 3, confidence: 2 });
    expect(result.osps_ac_01_01_status).toMatchObject({ value: 3, confidence: 3 });
    expect(result.name).toMatchObject({ value: 'widget', confidence: 3 });
    expect(result.description!.value).toBe('Widgets for everyone');
    expect(result.license!.value).toBe('MIT');
    expect(result.implementation_languages!.value).toBe('C, Shell');
  });

  it('claims two-factor authentication only on GitHub and proposes no NOASSERTION licence', async () => {
    const result = await forgeBasics.analyze(evidenceFor(fakeRepo(typical, { forge: 'gitlab', metadata: { ...metadata, license: 'NOASSERTION' } })), {});
    expect(result.osps_ac_01_01_status).toBeUndefined();
    expect(result.license).toBeUndefined();
    expect(result.repo_public_status).toBeDefined();
  });

  it('still proposes the statuses when the forge gives no metadata, and nothing for a private repository or none', async () => {
    const bare = await forgeBasics.analyze(evidenceFor(fakeRepo(typical, { metadata: null })), {});
    expect(bare.repo_public_status).toBeDefined();
    expect(bare.name).toBeUndefined();
    await expect(forgeBasics.analyze(evidenceFor(fakeRepo(typical, { metadata: { public: false } })), {})).rejects.toMatchObject({ reason: { key: 'automation:skipped.not_public' } });
    await expect(forgeBasics.analyze(evidenceFor(null), {})).rejects.toBeInstanceOf(DetectiveSkipped);
  });

  it.each([[':tada: x', 'x'], ['no codes: here', 'no codes: here'], ['a :+1: b', 'a b']])('emoji shortcodes: %s → %s', (input, out) => {
    expect(withoutEmojiShortcodes(input)).toBe(out);
  });
});

describe('repo-files', () => {
  const run = async (tree: Tree, options = {}) => repoFiles.analyze(evidenceFor(fakeRepo(tree, options)), {});

  it('finds the conventional files of a typical project, with their URLs as evidence', async () => {
    const result = await run(typical);
    expect(result.contribution_status).toMatchObject({ value: 3, confidence: 3, evidenceUrl: `${REPO_URL}/blob/main/CONTRIBUTING.md` });
    expect(result.osps_gv_03_01_status).toMatchObject({ value: 3, confidence: 3 });
    expect(result.license_location_status).toMatchObject({ value: 3, confidence: 3, evidenceUrl: `${REPO_URL}/blob/main/LICENSE` });
    expect(result.osps_le_03_01_status).toMatchObject({ value: 3 });
    expect(result.release_notes_status).toMatchObject({ value: 3, confidence: 3 });
    expect(result.osps_do_02_01_status).toMatchObject({ value: 1, confidence: 1 });
    expect(result.contribution_status!.explanation).toEqual({ key: 'automation:repo_files.contributing_found', params: { url: `${REPO_URL}/blob/main/CONTRIBUTING.md` } });
  });

  it.each<[string, Tree, string, number | undefined, number | undefined]>([
    ['a LICENSES folder counts', { 'LICENSES/MIT.txt': 'x'.repeat(50) }, 'license_location_status', 3, 3],
    ['a named licence file counts', { 'widget-LICENSE.txt': big(500) }, 'license_location_status', 3, 3],
    ['COPYING counts', { COPYING: big(30_000) }, 'license_location_status', 3, 3],
    ['British spelling counts', { 'LICENCE.md': big(100) }, 'license_location_status', 3, 3],
    ['a stub licence is no licence: forced Unmet', { LICENSE: big(39) }, 'license_location_status', 1, 5],
    ['no licence also fails the second licence criterion weakly', {}, 'osps_le_03_02_status', 1, 2],
    ['a stub contribution guide does not count', { 'CONTRIBUTING.md': big(99) }, 'contribution_status', 1, 1],
    ['a guide in .github counts', { '.github/CONTRIBUTING.md': big(400) }, 'contribution_status', 3, 3],
    ['the guide case-insensitively', { 'contribute.txt': big(400) }, 'contribution_status', 3, 3],
    ['NEWS counts as release notes', { NEWS: big(40) }, 'release_notes_status', 3, 3],
    ['CHANGES.rst counts as release notes', { 'CHANGES.rst': big(400) }, 'release_notes_status', 3, 3],
    ['changelog.html counts as release notes', { 'changelog.html': big(400) }, 'release_notes_status', 3, 3],
    ['a folder named CHANGELOG does not', { 'CHANGELOG/1.0.md': big(400) }, 'release_notes_status', 1, 1],
    ['SECURITY.md counts', { 'SECURITY.md': big(100) }, 'osps_do_02_01_status', 3, 3],
    ['.github/SECURITY.md counts', { '.github/SECURITY.md': big(100) }, 'osps_do_02_01_status', 3, 3],
    ['a one-line SECURITY.md does not', { 'SECURITY.md': big(20) }, 'osps_do_02_01_status', 1, 1],
  ])('%s', async (_title, tree, field, status, confidence) => {
    const result = await run(tree);
    expect(result[field]?.value).toBe(status);
    expect(result[field]?.confidence).toBe(confidence);
  });

  it('reads a file to learn its size when the forge does not say', async () => {
    const repo = fakeRepo({ 'CONTRIBUTING.md': 'x'.repeat(150) }, { hideSizes: true });
    const result = await repoFiles.analyze(evidenceFor(repo), {});
    expect(result.contribution_status!.value).toBe(3);
    expect(repo.reads).toContain('CONTRIBUTING.md');
    const stub = await repoFiles.analyze(evidenceFor(fakeRepo({ 'CONTRIBUTING.md': 'x'.repeat(20) }, { hideSizes: true })), {});
    expect(stub.contribution_status!.value).toBe(1);
  });

  it('takes a listed file it cannot read within the limit as present, never as a forced "no licence"', async () => {
    const result = await repoFiles.analyze(evidenceFor(fakeRepo({ LICENSE: { size: 600_000 } }, { hideSizes: true })), {});
    expect(result.license_location_status).toMatchObject({ value: 3, confidence: 3 });
  });

  it('proposes nothing when the listing cannot be read (so no forced Unmet from ignorance)', async () => {
    await expect(run(typical, { unlistable: true })).rejects.toMatchObject({ reason: { key: 'automation:skipped.listing_unreadable' } });
  });
});

describe('docs-dir', () => {
  const run = async (tree: Tree) => (await docsDir.analyze(evidenceFor(fakeRepo(tree)), {})).documentation_basics_status;

  it.each<[string, Tree, number, number]>([
    ['no documentation folder: weak Unmet', typical, 1, 1],
    ['a docs folder explaining installation', { 'docs/install.md': '# Installation\nRun make install.' }, 3, 3],
    ['Documentation/ with usage', { 'Documentation/guide.rst': 'Usage\n=====\nCall widget().' }, 3, 3],
    ['a doc folder about nothing relevant', { 'doc/history.md': 'We began in 2001.' }, 1, 1],
    ['pictures are not read', { 'docs/logo.png': 'install' }, 1, 1],
  ])('%s', async (_title, tree, status, confidence) => {
    expect(await run(tree)).toMatchObject({ value: status, confidence });
  });
});

describe('build-files', () => {
  it.each([['Makefile'], ['CMakeLists.txt'], ['pom.xml'], ['package.json'], ['Cargo.toml'], ['go.mod'], ['build.gradle.kts'], ['meson.build'], ['Widget.csproj'], ['gnumakefile']])('%s is a common build tool', async (file) => {
    const result = await buildFiles.analyze(evidenceFor(fakeRepo({ [file]: 'x' })), {});
    expect(result.build_status).toMatchObject({ value: 3, confidence: 3 });
    expect(result.build_common_tools_status).toMatchObject({ value: 3, confidence: 3 });
  });

  it('proposes nothing without a top-level build file', async () => {
    expect(await buildFiles.analyze(evidenceFor(fakeRepo({ 'src/Makefile': 'x', 'README.md': 'x' })), {})).toEqual({});
  });
});
