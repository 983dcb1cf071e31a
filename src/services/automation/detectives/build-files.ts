import type { Detective, Proposals } from '../../../domain/automation.ts';
import { explain, MET, propose, skip } from './common.ts';

/**
 * Top-level files that mean "this project is built with a common tool". Upstream's list (make,
 * autotools, CMake, Rake, Maven, Ant, MSBuild, sbt, SCons, waf) plus the package and build files
 * of today's common ecosystems (npm, Cargo, Go, Python, Gradle, Meson, Bazel), which a user would
 * expect to count. Upstream's "autoconf.ac" is kept beside the real name "configure.ac".
 */
export const BUILD_FILE = new RegExp(
  '^(' + [
    'makefile', 'gnumakefile', 'autoconf\\.ac', 'configure\\.ac', 'automake\\.am', 'makefile\\.am',
    'cmakelists\\.txt', 'rakefile', 'pom\\.xml', 'build\\.xml', '.+\\.proj', '.+\\.csproj', 'build\\.sbt',
    'sconstruct', 'wscript', 'package\\.json', 'cargo\\.toml', 'go\\.mod', 'pyproject\\.toml', 'setup\\.py',
    'build\\.gradle(\\.kts)?', 'meson\\.build', 'build\\.bazel', 'module\\.bazel', 'workspace(\\.bazel)?',
  ].join('|') + ')$',
  'i',
);

/** Nothing is proposed without a build file: many projects (scripts, data) need no build. */
export const buildFiles: Detective = {
  name: 'build-files',
  inputs: ['repo_url'],
  outputs: ['build_status', 'build_common_tools_status'],
  async analyze(evidence): Promise<Proposals> {
    const repo = evidence.repo;
    if (!repo) skip('skipped.no_forge');
    const top = await repo.files.list();
    if (!top) skip('skipped.listing_unreadable', { url: repo.htmlUrl });
    const file = top.find((e) => e.type === 'file' && BUILD_FILE.test(e.name));
    if (!file) return {};
    const why = explain('build_files.found', { file: file.name, url: file.htmlUrl });
    return {
      build_status: propose(MET, 3, why, file.htmlUrl),
      build_common_tools_status: propose(MET, 3, why, file.htmlUrl),
    };
  },
};
