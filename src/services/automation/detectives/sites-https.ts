import type { Detective, Proposals } from '../../../domain/automation.ts';
import { explain, MET, propose, text, UNMET } from './common.ts';

/**
 * The project's repository and home page must use HTTPS. A plain http:// URL is a fact we can read
 * from the entry itself, hence the forced Unmet; https:// alone does not prove the whole site
 * refuses plain HTTP, hence Met only at 3.
 */
export const sitesHttps: Detective = {
  name: 'sites-https',
  inputs: ['repo_url', 'homepage_url'],
  outputs: ['sites_https_status', 'osps_br_03_01_status', 'osps_br_03_02_status'],
  overridableOutputs: ['sites_https_status', 'osps_br_03_01_status'],
  analyze(_evidence, current): Promise<Proposals> {
    const urls = [text(current, 'repo_url'), text(current, 'homepage_url')].filter((u) => u !== '');
    const insecure = urls.find((u) => /^http:\/\//i.test(u));
    if (insecure) {
      const why = explain('sites_https.insecure', { url: insecure });
      return Promise.resolve({
        sites_https_status: propose(UNMET, 5, why),
        osps_br_03_01_status: propose(UNMET, 5, why),
        osps_br_03_02_status: propose(UNMET, 3, why),
      });
    }
    if (!urls.some((u) => /^https:\/\//i.test(u))) return Promise.resolve({});
    const why = explain('sites_https.secure', { urls: urls.join(', ') });
    return Promise.resolve({
      sites_https_status: propose(MET, 3, why),
      osps_br_03_01_status: propose(MET, 3, why),
      osps_br_03_02_status: propose(MET, 3, why),
    });
  },
};
