import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { criteria } from '../../src/criteria/index.ts';
import { createI18n } from '../../src/i18n.ts';

const root = path.resolve(import.meta.dirname, '../..');

// The shared key check only knows the older namespaces; this covers the keys the transfer code
// builds messages from (error, flash and problem texts never rendered by a passing path).
describe('transfer message keys', () => {
  it('exist in locales/en/transfers.json', async () => {
    const i18n = await createI18n(criteria());
    const keys = new Set<string>();
    for (const file of ['src/services/transfers.ts', 'src/routes/transfers.ts']) {
      for (const m of fs.readFileSync(path.join(root, file), 'utf8').matchAll(/'(transfers:[a-z_]+(?:\.[a-z_]+)+)'/g)) keys.add(m[1]!);
    }
    for (const reason of ['not_owner', 'not_recipient', 'not_admin']) keys.add(`transfers:forbidden.${reason}`);
    expect(keys.size).toBeGreaterThan(20);
    expect([...keys].filter((k) => !i18n.exists(k))).toEqual([]);
  });
});
