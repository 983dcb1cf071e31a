import type { Detective, Proposals } from '../../../domain/automation.ts';
import { explain, MET, propose, skip, text, UNMET } from './common.ts';

/** Which hardening headers a response lacks (names as a person would search for them). */
export function missingHardeningHeaders(headers: Readonly<Record<string, string>>): string[] {
  const missing: string[] = [];
  const csp = headers['content-security-policy'];
  if (!csp) missing.push('Content-Security-Policy');
  if (!headers['strict-transport-security']) missing.push('Strict-Transport-Security');
  if (!headers['x-content-type-options']) missing.push('X-Content-Type-Options');
  // Framing is controlled either by the old header or by the CSP directive that replaced it.
  if (!headers['x-frame-options'] && !/(^|;)\s*frame-ancestors\b/i.test(csp ?? '')) missing.push('X-Frame-Options');
  return missing;
}

/**
 * Reads the response headers of the repository and home page (through the SSRF-safe fetcher
 * behind `evidence.siteHeaders`). Missing headers are a fact the sites tell us, hence the forced
 * Unmet; a site that cannot be reached tells us nothing, so then nothing is proposed.
 */
export const hardenedSites: Detective = {
  name: 'hardened-sites',
  inputs: ['repo_url', 'homepage_url'],
  outputs: ['hardened_site_status'],
  overridableOutputs: ['hardened_site_status'],
  async analyze(evidence, current): Promise<Proposals> {
    const urls = [...new Set([text(current, 'repo_url'), text(current, 'homepage_url')])];
    if (urls.includes('')) skip('skipped.needs_both_urls');
    const insecure = urls.find((u) => !/^https:\/\//i.test(u));
    if (insecure) {
      return { hardened_site_status: propose(UNMET, 5, explain('hardened_site.not_https', { url: insecure })) };
    }
    const problems: string[] = [];
    for (const url of urls) {
      const headers = await evidence.siteHeaders(url);
      if (!headers) skip('skipped.site_unreachable', { url });
      const missing = missingHardeningHeaders(headers);
      if (missing.length) problems.push(`${url}: ${missing.join(', ')}`);
    }
    if (problems.length) {
      return { hardened_site_status: propose(UNMET, 5, explain('hardened_site.missing', { missing: problems.join('; ') })) };
    }
    return { hardened_site_status: propose(MET, 3, explain('hardened_site.present', { urls: urls.join(', ') })) };
  },
};
