import { describe, expect, it } from 'vitest';
import { flossLicense } from '../../../src/services/automation/detectives/floss-license.ts';
import { isOsiApproved, loadOsiLicenses, parseSpdx } from '../../../src/services/automation/spdx.ts';
import { evidenceFor } from './fixture-repo.ts';

const osi = loadOsiLicenses();

describe('SPDX expressions', () => {
  it.each([
    ['MIT', true],
    ['mit', true],
    ['Apache-2.0 OR MIT', true],
    ['apache-2.0 or mit', true],
    ['MIT OR LicenseRef-Proprietary', true],
    ['LicenseRef-Proprietary OR MIT', true],
    ['MIT AND BSD-3-Clause', true],
    ['MIT AND LicenseRef-Proprietary', false],
    ['(MIT AND BSD-3-Clause) OR CC0-1.0', true],
    ['(CC0-1.0 AND MIT) OR WTFPL', false],
    ['GPL-2.0-or-later WITH Classpath-exception-2.0', true],
    ['GPL-2.0+', true],
    ['LGPL-2.1+ AND (MIT OR Apache-2.0)', true],
    ['CC-BY-4.0', false],
    ['LicenseRef-Mine', false],
    ['DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2', false],
    ['Unlicense', true],
  ])('%s → OSI %s', (text, expected) => {
    const parsed = parseSpdx(text);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(isOsiApproved(parsed.expression, osi)).toBe(expected);
  });

  it('binds WITH tighter than AND, and AND tighter than OR', () => {
    expect(parseSpdx('A OR B AND C WITH E')).toEqual({
      ok: true,
      expression: {
        kind: 'or',
        left: { kind: 'license', id: 'A', orLater: false },
        right: { kind: 'and', left: { kind: 'license', id: 'B', orLater: false }, right: { kind: 'with', license: { kind: 'license', id: 'C', orLater: false }, exception: 'E' } },
      },
    });
  });

  it.each(['', '   ', 'MIT OR', 'OR MIT', '(MIT', 'MIT)', 'MIT AND AND BSD-3-Clause', 'MIT WITH', 'MIT WITH (X)', 'MIT License', 'MIT, Apache-2.0', 'GPL+2', '()', 'x'.repeat(600), '('.repeat(30) + 'MIT' + ')'.repeat(30)])(
    '%j is refused', (text) => {
      expect(parseSpdx(text).ok).toBe(false);
    },
  );
});

describe('floss-license', () => {
  const detective = flossLicense(osi);
  const run = (license: string | null) => detective.analyze(evidenceFor(null), { license });

  it('forces Met on the three licence criteria for an OSI-approved expression', async () => {
    const result = await run('Apache-2.0 OR MIT');
    for (const field of ['floss_license_osi_status', 'floss_license_status', 'osps_le_02_01_status']) {
      expect(result[field]).toMatchObject({ value: 3, confidence: 5, explanation: { key: 'automation:floss_license.osi', params: { license: 'Apache-2.0 OR MIT' } } });
    }
  });

  it('weakly says Unmet for a valid expression that is not OSI-approved', async () => {
    const result = await run('CC-BY-SA-4.0');
    expect(Object.keys(result)).toEqual(['floss_license_osi_status']);
    expect(result.floss_license_osi_status).toMatchObject({ value: 1, confidence: 1 });
  });

  it.each([null, '', 'MIT licence', 'see LICENSE file'])('proposes nothing for %j', async (license) => {
    expect(await run(license)).toEqual({});
  });
});
