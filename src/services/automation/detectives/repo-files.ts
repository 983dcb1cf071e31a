import type { Detective, Proposals, RepoEntry, RepoFiles } from '../../../domain/automation.ts';
import { explain, MET, propose, skip, UNMET } from './common.ts';

/**
 * Conventional file names, matched case-insensitively. Besides upstream's names we accept the
 * British "LICENCE", and CHANGES / HISTORY / RELEASE-NOTES for release notes, which are common
 * enough that a user would expect them to count.
 */
const EXT = String.raw`(\.(md|markdown|txt|rst|adoc))?`;
export const PATTERNS = {
  contributing: new RegExp(String.raw`^(CONTRIBUTING|CONTRIBUTE)${EXT}$`, 'i'),
  license: new RegExp(String.raw`^([a-z0-9._-]+[-.])?(LICEN[CS]E|COPYING)${EXT}$`, 'i'),
  licensesDir: /^LICENSES$/i,
  changelog: new RegExp(String.raw`^(CHANGELOG|CHANGES|HISTORY|NEWS|RELEASE[-_]?NOTES)(${EXT.slice(0, -1)}|\.html)?$`, 'i'),
  security: new RegExp(String.raw`^SECURITY${EXT}$`, 'i'),
} as const;

/** Below these sizes a file is taken for a placeholder (upstream's thresholds). */
export const MIN_BYTES = { contributing: 100, license: 40, changelog: 40, security: 100 } as const;

/** Largest file read only to learn its size (when the forge's listing did not say). */
const SIZE_READ_LIMIT = 512 * 1024;

/**
 * Size of a listed file; read when the forge did not say (GitLab's tree listing never does). A
 * listed file that cannot be read within the limit is taken as large enough: it exists, and a
 * forced "no licence file" must never come from a read we could not make.
 */
async function sizeOf(files: RepoFiles, entry: RepoEntry): Promise<number> {
  if (entry.size > 0) return entry.size;
  const content = await files.read(entry.path, SIZE_READ_LIMIT);
  return content === null ? Number.POSITIVE_INFINITY : Buffer.byteLength(content);
}

/** The first listed file matching `pattern` that is at least `min` bytes. */
export async function findFile(files: RepoFiles, entries: readonly RepoEntry[], pattern: RegExp, min: number): Promise<RepoEntry | undefined> {
  for (const entry of entries) {
    if (entry.type === 'file' && pattern.test(entry.name) && (await sizeOf(files, entry)) >= min) return entry;
  }
  return undefined;
}

/**
 * Reads the top-level listing (and `.github/` for the files GitHub also looks for there) for
 * contribution, licence, release-notes and security-policy files. A missing licence file is a
 * fact of a readable listing, hence the forced Unmet; the others may live elsewhere (a web site),
 * hence only a weak Unmet.
 */
export const repoFiles: Detective = {
  name: 'repo-files',
  inputs: ['repo_url'],
  outputs: [
    'contribution_status', 'osps_gv_03_01_status', 'license_location_status', 'osps_le_03_01_status',
    'osps_le_03_02_status', 'release_notes_status', 'osps_do_02_01_status',
  ],
  overridableOutputs: ['license_location_status', 'osps_le_03_01_status'],
  async analyze(evidence): Promise<Proposals> {
    const repo = evidence.repo;
    if (!repo) skip('skipped.no_forge');
    const top = await repo.files.list();
    if (!top) skip('skipped.listing_unreadable', { url: repo.htmlUrl });
    const hasGithubDir = top.some((e) => e.type === 'dir' && e.name === '.github');
    const dotGithub = hasGithubDir ? ((await repo.files.list('.github')) ?? []) : [];
    const proposals: Proposals = {};
    const files = repo.files;

    const contributing = (await findFile(files, top, PATTERNS.contributing, MIN_BYTES.contributing))
      ?? (await findFile(files, dotGithub, PATTERNS.contributing, MIN_BYTES.contributing));
    if (contributing) {
      const why = explain('repo_files.contributing_found', { url: contributing.htmlUrl });
      proposals.contribution_status = propose(MET, 3, why, contributing.htmlUrl);
      proposals.osps_gv_03_01_status = propose(MET, 3, why, contributing.htmlUrl);
    } else {
      proposals.contribution_status = propose(UNMET, 1, explain('repo_files.contributing_missing', { min: MIN_BYTES.contributing }));
    }

    const license = await findFile(files, top, PATTERNS.license, MIN_BYTES.license);
    const licensesDir = top.find((e) => e.type === 'dir' && PATTERNS.licensesDir.test(e.name));
    const licenseEvidence = license ?? licensesDir;
    if (licenseEvidence) {
      const why = explain('repo_files.license_found', { url: licenseEvidence.htmlUrl });
      proposals.license_location_status = propose(MET, 3, why, licenseEvidence.htmlUrl);
      proposals.osps_le_03_01_status = propose(MET, 3, why, licenseEvidence.htmlUrl);
    } else {
      const why = explain('repo_files.license_missing', { min: MIN_BYTES.license });
      proposals.license_location_status = propose(UNMET, 5, why);
      proposals.osps_le_03_01_status = propose(UNMET, 5, why);
      proposals.osps_le_03_02_status = propose(UNMET, 2, why);
    }

    const changelog = await findFile(files, top, PATTERNS.changelog, MIN_BYTES.changelog);
    proposals.release_notes_status = changelog
      ? propose(MET, 3, explain('repo_files.changelog_found', { url: changelog.htmlUrl }), changelog.htmlUrl)
      : propose(UNMET, 1, explain('repo_files.changelog_missing', { min: MIN_BYTES.changelog }));

    const security = (await findFile(files, top, PATTERNS.security, MIN_BYTES.security))
      ?? (await findFile(files, dotGithub, PATTERNS.security, MIN_BYTES.security));
    proposals.osps_do_02_01_status = security
      ? propose(MET, 3, explain('repo_files.security_found', { url: security.htmlUrl }), security.htmlUrl)
      : propose(UNMET, 1, explain('repo_files.security_missing', { min: MIN_BYTES.security }));
    return proposals;
  },
};
