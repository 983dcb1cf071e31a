import { describe, expect, it } from 'vitest';
import { rulesFired } from '../support/lint.ts';

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
