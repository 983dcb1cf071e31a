import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { criteria } from '../../src/criteria/index.ts';
import { createI18n } from '../../src/i18n.ts';

const root = path.resolve(import.meta.dirname, '../..');

function filesUnder(dir: string, ext: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(ext))
    .map((e) => path.join(e.parentPath, e.name));
}

/** Literal keys passed to t('…') and flash/error keys written as 'area.key' strings in code. */
function literalKeys(): Set<string> {
  const keys = new Set<string>();
  for (const file of filesUnder(path.join(root, 'views'), '.pug')) {
    for (const m of fs.readFileSync(file, 'utf8').matchAll(/\bt\('((?:[a-z_]+:)?[a-z_]+(?:\.[a-z_]+)*)'/g)) keys.add(m[1]!);
  }
  for (const file of filesUnder(path.join(root, 'src'), '.ts')) {
    if (file.includes(`${path.sep}generated${path.sep}`)) continue;
    for (const m of fs.readFileSync(file, 'utf8').matchAll(/'((?:errors|flash)\.[a-z_]+|(?:accounts|mail|translation):[a-z_]+)'/g)) keys.add(m[1]!);
  }
  return keys;
}

describe('English translations', () => {
  it('define every key the views and services use', async () => {
    const i18n = await createI18n(criteria());
    const keys = [...literalKeys()];
    expect(keys.length).toBeGreaterThan(50);
    const missing = keys.filter((k) => !i18n.exists(k) && !i18n.exists(`${k}_other`));
    expect(missing).toEqual([]);
  });

  it('translate every status, symbol, category and badge level the pages can show', async () => {
    const i18n = await createI18n(criteria());
    for (const key of ['Met', 'Unmet', 'N/A', '?']) expect(i18n.exists(`status.${key}`), key).toBe(true);
    for (const key of ['passing', 'barely', 'failing', 'unknown']) expect(i18n.exists(`symbols.${key}`), key).toBe(true);
    for (const key of ['MUST', 'SHOULD', 'SUGGESTED']) expect(i18n.exists(`categories.${key}`), key).toBe(true);
    for (const key of ['in_progress', ...criteria().series('metal').map((l) => l.key)]) expect(i18n.exists(`badge_levels.${key}`), key).toBe(true);
  });

  it('expose criteria text and headings through the criteria namespace', async () => {
    const set = criteria();
    const i18n = await createI18n(set);
    const t = i18n.getFixedT('en');
    const first = set.levels[0]!.criteria[0]!;
    expect(t(`criteria:${first.level}.${first.id}.description`)).toBe(first.description);
    expect(t('criteria:headings.change_control')).toBe('Change Control');
  });
});
