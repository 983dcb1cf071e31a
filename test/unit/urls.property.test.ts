import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalUrl, MAX_URL_LENGTH } from '../../src/services/urls.ts';

/**
 * canonicalUrl decides which repository a badge belongs to, so it must be total (never throw),
 * stable (the stored form canonicalises to itself, or the same project could be entered twice)
 * and strict (only http(s), no credentials, nothing a browser or terminal would misread).
 */

const webUrl = fc.webUrl({ validSchemes: ['http', 'https'], withQueryParameters: true, withFragments: true, authoritySettings: { withIPv4: true, withIPv6: true, withPort: true, withUserInfo: true } });

// Pieces that exercise the canonicalisation rules and URL parsing corner cases.
const piece = fc.constantFrom(
  '/', '//', '.git', '.GIT', '.git/', '/.git', '/..git', '/.', '/..', '/%2e', '/%2E%2e', '%2e.git', '/./', '/../', '?', '#', '?a=1', '#x', '@', ':', ':443', ':80', ':0', ':65536',
  '\\', '%', '%00', '%20', ' ', '\t', '\n', '\u00a0', '\u200b', '\u0000', '\u007f', '\u202e', 'xn--', 'ß', 'é', '\ud83d\ude00', '[', ']', '[::1]', '"', '<', '>', '`', '{', '}', '|', '^',
  'user:pw@', ':@', '@@', 'javascript:', 'HTTP://', 'https:', 'a', 'A', '0', '-', '_', '~',
);

/** A valid URL with a few pieces inserted, deleted or replaced at random places. */
const mutated = fc
  .tuple(webUrl, fc.array(fc.tuple(fc.nat(), fc.constantFrom('insert', 'delete', 'replace'), piece), { maxLength: 4 }))
  .map(([url, edits]) =>
    edits.reduce((text, [at, kind, p]) => {
      const i = text.length === 0 ? 0 : at % (text.length + 1);
      if (kind === 'insert') return text.slice(0, i) + p + text.slice(i);
      if (kind === 'delete') return text.slice(0, i) + text.slice(i + 1 + (at % 3));
      return text.slice(0, i) + p + text.slice(i + p.length);
    }, url),
  );

const casing = fc.tuple(webUrl, fc.array(fc.boolean(), { maxLength: 40 })).map(([url, flips]) => Array.from(url, (c, i) => (flips[i] ? c.toUpperCase() : c)).join(''));
const padded = fc.tuple(fc.constantFrom('', ' ', '\t', '\n '), webUrl, fc.array(piece, { maxLength: 3 })).map(([pad, url, tail]) => `${pad}${url}${tail.join('')}${pad}`);

const anyInput = fc.oneof(
  { weight: 3, arbitrary: mutated },
  { weight: 2, arbitrary: webUrl },
  { weight: 1, arbitrary: casing },
  { weight: 1, arbitrary: padded },
  { weight: 1, arbitrary: fc.string({ maxLength: 300 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }).map((s) => `https://${s}`) },
  { weight: 1, arbitrary: fc.array(piece, { maxLength: 12 }).map((p) => `https://example.org${p.join('')}`) },
);

function checkAccepted(url: string): void {
  expect(url).toMatch(/^https?:\/\/[^/?#\s]/);
  expect(url.length).toBeLessThanOrEqual(MAX_URL_LENGTH);
  // eslint-disable-next-line no-control-regex
  expect(url).not.toMatch(/[\s\u0000-\u001f\u007f-\u009f]/);
  const parsed = new URL(url);
  expect(['http:', 'https:']).toContain(parsed.protocol);
  expect(parsed.username).toBe('');
  expect(parsed.password).toBe('');
  expect(parsed.hostname).not.toBe('');
}

describe('canonicalUrl under fuzzing', () => {
  it('never throws, and what it accepts is http(s), credential-free, clean and within the limit', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        const result = canonicalUrl(input);
        if (result.ok) checkAccepted(result.url);
        else expect(['scheme', 'invalid', 'too_long']).toContain(result.reason);
      }),
      { numRuns: 5000 },
    );
  });

  it('is idempotent: the canonical form canonicalises to itself', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        const once = canonicalUrl(input);
        if (!once.ok) return;
        expect(canonicalUrl(once.url)).toEqual(once);
      }),
      // Found by this test: stripping ".git" left a dot segment the next parse resolved.
      { numRuns: 5000, examples: [['https://example.org/repo/..git'], ['https://example.org/%2e.git/'], ['https://example.org/a//...GIT']] },
    );
  });

  it('accepts the http(s) web URLs fast-check generates unless they carry credentials or are too long', () => {
    fc.assert(
      fc.property(webUrl, (input) => {
        const result = canonicalUrl(input);
        const parsed = new URL(input);
        if (parsed.username || parsed.password) expect(result).toEqual({ ok: false, reason: 'invalid' });
        else if (input.length <= MAX_URL_LENGTH) expect(result.ok || result.reason === 'too_long').toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses every other scheme, whatever its case', () => {
    const other = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9+.-]{0,10}$/).filter((s) => !/^https?$/i.test(s));
    fc.assert(
      fc.property(other, webUrl, (scheme, url) => {
        expect(canonicalUrl(url.replace(/^https?/, scheme))).toEqual({ ok: false, reason: 'scheme' });
      }),
      { numRuns: 1000 },
    );
  });

  it('folds the case of scheme and host only, so one repository has one canonical form', () => {
    fc.assert(
      fc.property(webUrl, (url) => {
        const original = canonicalUrl(url);
        const parsed = new URL(url);
        const shouted = `${parsed.protocol.toUpperCase()}//${url.slice(parsed.protocol.length + 2).replace(parsed.host, parsed.host.toUpperCase())}`;
        expect(canonicalUrl(shouted)).toEqual(original);
      }),
      { numRuns: 1000 },
    );
  });
});
