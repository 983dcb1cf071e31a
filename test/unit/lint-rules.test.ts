import path from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
// The project's own eslint.config.js without type information: the snippets are not files of
// the TypeScript project, and these rules need none.
const eslint = new ESLint({ cwd: root, overrideConfig: tseslint.configs.disableTypeChecked });

async function rulesFired(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  if (!result) throw new Error('ESLint returned no result');
  const fatal = result.messages.find((m) => m.fatal);
  if (fatal) throw new Error(fatal.message);
  return result.messages.map((m) => m.ruleId ?? '');
}

describe('security lint rules in eslint.config.js', () => {
  it('refuse $queryRawUnsafe and $executeRawUnsafe, even inside src/db and by destructuring', async () => {
    const query = await rulesFired('src/db/raw-probe.ts', 'export const probe = (db: { $queryRawUnsafe(sql: string): unknown }, id: string) => db.$queryRawUnsafe(`SELECT * FROM users WHERE id = ${id}`);\n');
    expect(query).toContain('no-restricted-properties');
    const execute = await rulesFired('scripts/raw-probe.ts', "export const probe = (db: { $executeRawUnsafe(sql: string): unknown }) => db['$executeRawUnsafe']('DELETE FROM users');\n");
    expect(execute).toContain('no-restricted-properties');
    const destructured = await rulesFired('src/db/raw-probe.ts', 'export const probe = ({ $queryRawUnsafe }: { $queryRawUnsafe: unknown }) => $queryRawUnsafe;\n');
    expect(destructured).toContain('no-restricted-properties');
  });

  it('let the tagged-template $queryRaw through', async () => {
    const fired = await rulesFired('src/db/raw-probe.ts', 'export const probe = (db: { $queryRaw(s: TemplateStringsArray, ...v: unknown[]): unknown }, id: number) => db.$queryRaw`SELECT * FROM users WHERE id = ${id}`;\n');
    expect(fired).toEqual([]);
  });

  it('refuse regular expressions with super-linear backtracking or rescanning', async () => {
    const nested = await rulesFired('src/services/regexp-probe.ts', 'export const probe = (s: string) => /^(a+)+$/.test(s);\n');
    expect(nested).toContain('regexp/no-super-linear-backtracking');
    const trailing = await rulesFired('src/http/regexp-probe.ts', "export const probe = (s: string) => s.replace(/\\/+$/, '');\n");
    expect(trailing).toContain('regexp/no-super-linear-move');
    const fixed = await rulesFired('src/http/regexp-probe.ts', "export const probe = (s: string) => s.replace(/(?<!\\/)\\/+$/, '');\n");
    expect(fixed).toEqual([]);
  });
});
