import { describe, expect, it } from 'vitest';
import { hardenedSites, missingHardeningHeaders } from '../../../src/services/automation/detectives/hardened-sites.ts';
import { nameFromUrl, nameFromUrls } from '../../../src/services/automation/detectives/name-from-url.ts';
import { sitesHttps } from '../../../src/services/automation/detectives/sites-https.ts';
import { DetectiveSkipped } from '../../../src/domain/automation.ts';
import { evidenceFor } from './fixture-repo.ts';

describe('name-from-url', () => {
  it.each([
    ['https://www.curl.se/', 'https://github.com/curl/curl', 'curl'],
    ['https://kernel.org', '', 'kernel'],
    ['https://github.com/acme/widget', '', 'widget'],
    ['https://acme.github.io/widget/', '', 'widget'],
    ['https://widget.github.io/', '', 'widget'],
    ['https://widget.readthedocs.io/en/latest/', '', 'widget'],
    ['', 'https://gitlab.com/group/sub/tool.git', 'tool'],
    ['http://192.168.1.1/', '', undefined],
    ['', '', undefined],
    ['not a url', 'ftp://x/y', undefined],
  ])('%s + %s → %s', (homepage, repo, expected) => {
    expect(nameFromUrls(homepage, repo)?.name).toBe(expected);
  });

  it('proposes the name at confidence 1 with the URL it came from', async () => {
    const result = await nameFromUrl.analyze(evidenceFor(null), { homepage_url: 'https://www.curl.se/', repo_url: null });
    expect(result).toEqual({ name: { value: 'curl', confidence: 1, explanation: { key: 'automation:name_from_url', params: { url: 'https://www.curl.se/' } } } });
  });
});

describe('sites-https', () => {
  it.each([
    [{ repo_url: 'http://example.org/r', homepage_url: 'https://example.org' }, 1, 5],
    [{ repo_url: 'https://example.org/r', homepage_url: 'https://example.org' }, 3, 3],
    [{ repo_url: 'https://example.org/r', homepage_url: null }, 3, 3],
  ] as const)('%o → status %i at %i', async (values, status, confidence) => {
    const result = await sitesHttps.analyze(evidenceFor(null), values);
    expect(result.sites_https_status).toMatchObject({ value: status, confidence });
    expect(result.osps_br_03_01_status).toMatchObject({ value: status, confidence });
    expect(result.osps_br_03_02_status).toMatchObject({ value: status, confidence: 3 });
  });

  it('says nothing without URLs', async () => {
    expect(await sitesHttps.analyze(evidenceFor(null), {})).toEqual({});
  });
});

describe('hardened-sites', () => {
  const good = {
    'content-security-policy': "default-src 'self'; frame-ancestors 'none'",
    'strict-transport-security': 'max-age=31536000',
    'x-content-type-options': 'nosniff',
  };

  it.each([
    [good, []],
    [{ ...good, 'content-security-policy': "default-src 'self'" }, ['X-Frame-Options']],
    [{ ...good, 'content-security-policy': "default-src 'self'", 'x-frame-options': 'DENY' }, []],
    [{}, ['Content-Security-Policy', 'Strict-Transport-Security', 'X-Content-Type-Options', 'X-Frame-Options']],
  ])('%o lacks %o', (headers, missing) => {
    expect(missingHardeningHeaders(headers)).toEqual(missing);
  });

  const urls = { repo_url: 'https://github.com/acme/widget', homepage_url: 'https://widget.example' };

  it('is met when both sites send every header, and a forced Unmet naming what is missing otherwise', async () => {
    const met = await hardenedSites.analyze(evidenceFor(null, { [urls.repo_url]: good, [urls.homepage_url]: good }), urls);
    expect(met.hardened_site_status).toMatchObject({ value: 3, confidence: 3 });
    const unmet = await hardenedSites.analyze(evidenceFor(null, { [urls.repo_url]: good, [urls.homepage_url]: { 'x-frame-options': 'DENY' } }), urls);
    expect(unmet.hardened_site_status).toMatchObject({ value: 1, confidence: 5 });
    expect(unmet.hardened_site_status!.explanation.params!.missing).toBe('https://widget.example: Content-Security-Policy, Strict-Transport-Security, X-Content-Type-Options');
  });

  it('proposes nothing when a site cannot be fetched or a URL is missing, and Unmet for plain HTTP', async () => {
    await expect(hardenedSites.analyze(evidenceFor(null, { [urls.repo_url]: good }), urls)).rejects.toBeInstanceOf(DetectiveSkipped);
    await expect(hardenedSites.analyze(evidenceFor(null), { repo_url: urls.repo_url })).rejects.toMatchObject({ reason: { key: 'automation:skipped.needs_both_urls' } });
    const plain = await hardenedSites.analyze(evidenceFor(null), { ...urls, homepage_url: 'http://widget.example' });
    expect(plain.hardened_site_status).toMatchObject({ value: 1, confidence: 5 });
  });
});
