import { startFakeForge } from '../support/fake-forge.ts';
import { FAKE_FORGE_PORT } from './forge-ports.ts';

/**
 * The fake forge of the automation journey (test/e2e/automation.spec.ts) as a process of its own,
 * started by the Playwright config: every `acme/…` repository (GitHub and Gitea shapes) and every
 * `group/…` project (GitLab shape) serves the same small, well-kept repository.
 */
const CONTRIBUTING = `# Contributing\n\n${'Open an issue to discuss a change, then send a pull request with tests. '.repeat(3)}\n`;
const LICENSE = 'MIT License\n\nCopyright (c) the widget authors\n\nPermission is hereby granted, free of charge, to any person obtaining a copy of this software.\n';
const repo = {
  description: 'Widgets for everyone',
  license: 'MIT',
  languages: { TypeScript: 90_000, Shell: 1_200 },
  files: { 'CONTRIBUTING.md': CONTRIBUTING, LICENSE, Makefile: 'all:\n\tnpm run build\n', 'README.md': '# Widget\n' },
};

const forge = await startFakeForge({ 'acme/*': repo, 'group/*': repo }, { port: FAKE_FORGE_PORT });
process.stdout.write(`fake forge listening on ${forge.url}\n`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    void forge.close().then(() => process.exit(0));
  });
}
