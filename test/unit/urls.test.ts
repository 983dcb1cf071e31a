import { describe, expect, it } from 'vitest';
import { canonicalUrl } from '../../src/services/urls.ts';

describe('canonicalUrl', () => {
  it.each([
    ['HTTPS://GitHub.COM/Org/Repo', 'https://github.com/Org/Repo'],
    ['https://github.com/org/repo/', 'https://github.com/org/repo'],
    ['https://github.com/org/repo.git', 'https://github.com/org/repo'],
    ['https://github.com/org/repo.git/', 'https://github.com/org/repo'],
    ['  http://example.org//  ', 'http://example.org'],
    ['https://example.org:443/x', 'https://example.org/x'],
    ['https://example.org:8443/x?y=1', 'https://example.org:8443/x?y=1'],
  ])('canonicalises %s', (input, expected) => {
    expect(canonicalUrl(input)).toEqual({ ok: true, url: expected });
  });

  it.each([
    ['ftp://example.org/repo', 'scheme'],
    ['javascript:alert(1)', 'scheme'],
    ['example.org', 'scheme'],
    ['https://user:pw@example.org/', 'invalid'],
    ['https://exa mple.org/', 'invalid'],
    [`https://example.org/${'a'.repeat(260)}`, 'too_long'],
  ])('rejects %s', (input, reason) => {
    expect(canonicalUrl(input)).toEqual({ ok: false, reason });
  });
});
