import type { Detective, Proposals } from '../../../domain/automation.ts';
import { isOsiApproved, parseSpdx } from '../spdx.ts';
import { explain, MET, propose, text, UNMET } from './common.ts';

/**
 * Reads the project's licence field as an SPDX expression. OSI-approved (spdx.ts decides) is a
 * fact of the expression, hence forced Met for the three licence criteria. A valid expression that
 * is not OSI-approved gives only a weak Unmet for the OSI criterion (the list may lag behind the
 * OSI); text that is not an SPDX expression ("MIT licence") gives nothing: we do not guess.
 */
export function flossLicense(osi: ReadonlySet<string>): Detective {
  return {
    name: 'floss-license',
    inputs: ['license'],
    outputs: ['floss_license_osi_status', 'floss_license_status', 'osps_le_02_01_status'],
    overridableOutputs: ['floss_license_osi_status', 'floss_license_status', 'osps_le_02_01_status'],
    analyze(_evidence, current): Promise<Proposals> {
      const license = text(current, 'license');
      const parsed = parseSpdx(license);
      if (!parsed.ok) return Promise.resolve({});
      if (isOsiApproved(parsed.expression, osi)) {
        const why = explain('floss_license.osi', { license });
        return Promise.resolve({
          floss_license_osi_status: propose(MET, 5, why),
          floss_license_status: propose(MET, 5, why),
          osps_le_02_01_status: propose(MET, 5, why),
        });
      }
      return Promise.resolve({ floss_license_osi_status: propose(UNMET, 1, explain('floss_license.not_osi', { license })) });
    },
  };
}
