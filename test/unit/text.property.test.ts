import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderInlineText, renderText } from '../../src/presenters/text.ts';

/**
 * Whatever a user types, the renderers' output is escaped text plus only the markup they make
 * themselves: <p>, <br> and <a href="http(s)://…" rel="nofollow ugc noopener noreferrer">.
 */

const OWN_ANCHOR = /<a href="([^"]*)" rel="nofollow ugc noopener noreferrer">/g;
const REL = 'nofollow ugc noopener noreferrer';

// Fragments chosen to be recombined into hostile text: tags, handlers, schemes written in every
// way a browser still understands, quotes, entities, Markdown link syntax and line breaks.
const fragment = fc.oneof(
  fc.constantFrom(
    '<script>', '</script>', '<SCRIPT src=x>', '<img src=x onerror=alert(1)>', '<svg onload=alert(1)>', '<a href="', '</a>', '<p>', '<br>',
    'onerror=', ' onclick="', 'javascript:', 'JaVaScRiPt:', 'java\tscript:', 'javascript&colon;', '&#106;avascript:', '&#x6A;', 'vbscript:', 'data:text/html,',
    'http://', 'https://', 'HTTPS://', 'ftp://', '//', '[', ']', '(', ')', '](', '"', "'", '`', '<', '>', '&', '&amp;', '&lt;', '&#60;', '=', ' ', '\n', '\r\n', '\n\n', '\t',
    'example.org', '/path', '?q=1&r=2', '#frag', '.', ',', ';', ':', '!', '?', '\u0000', '\u202e', '\u2028', '\ufeff', '\ud83d\ude00',
  ),
  fc.string({ maxLength: 8 }),
  fc.string({ unit: 'grapheme', maxLength: 4 }),
);

const hostileText = fc.array(fragment, { maxLength: 30 }).map((parts) => parts.join(''));

const scheme = fc.oneof(fc.constantFrom('http', 'https', 'HTTP', 'javascript', 'JAVASCRIPT', 'vbscript', 'data', 'file', 'ftp', ' javascript', 'java\nscript'), fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9+.-]{0,8}$/));
const urlish = fc
  .record({ scheme, rest: fc.oneof(fc.webUrl().map((u) => u.replace(/^https?:/, '')), fc.string({ maxLength: 20 })), label: fc.string({ maxLength: 10 }), markdown: fc.boolean() })
  .map(({ scheme: s, rest, label, markdown }) => (markdown ? `[${label}](${s}:${rest})` : `${s}:${rest}`));

const anyText = fc.oneof(
  { weight: 3, arbitrary: hostileText },
  { weight: 2, arbitrary: fc.array(fc.oneof(urlish, fragment), { maxLength: 12 }).map((p) => p.join(' ')) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.webUrl({ withQueryParameters: true, withFragments: true }) },
);

function decode(text: string): string {
  return text
    .replace(/&#(\d+);?/g, (_, d: string) => String.fromCodePoint(Math.min(Number(d), 0x10ffff)))
    .replace(/&#x([0-9a-f]+);?/gi, (_, h: string) => String.fromCodePoint(Math.min(parseInt(h, 16), 0x10ffff)))
    .replace(/&colon;/gi, ':')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function checkRendered(html: string): void {
  expect(html).not.toMatch(/<script/i);
  // Every tag in the output is one of the renderer's own.
  const tags = html.match(/<[^>]*>/g) ?? [];
  for (const tag of tags) expect(tag).toMatch(/^<(p|\/p|br|\/a|a href="[^"<>]*" rel="nofollow ugc noopener noreferrer")>$/);
  // No attribute other than href and rel, so no event handler.
  for (const tag of tags) expect(tag).not.toMatch(/\son\w*\s*=/i);
  for (const [, href] of html.matchAll(OWN_ANCHOR)) {
    // The href as the browser reads it: entities decoded, whitespace and controls dropped.
    // eslint-disable-next-line no-control-regex
    const url = decode(href!).replace(/[\u0000-\u0020]/g, '');
    expect(url).toMatch(/^https?:\/\//);
  }
  expect(html.match(/<a /g)?.length ?? 0).toBe([...html.matchAll(OWN_ANCHOR)].length);
  expect(html.match(/<a /g)?.length ?? 0).toBe(html.match(/<\/a>/g)?.length ?? 0);
  // Without the renderer's own tags, what is left is escaped text.
  const text = html.replace(/<a href="[^"]*" rel="nofollow ugc noopener noreferrer">|<\/a>|<\/?p>|<br>/g, '');
  expect(text).not.toContain('<');
  expect(text).not.toContain('>');
  expect(text).not.toContain('"');
  expect(text).not.toMatch(/&(?!(amp|lt|gt|quot|#39);)/);
}

describe('renderText and renderInlineText on arbitrary text', () => {
  it('produce only escaped text, paragraphs, line breaks and http(s) anchors with rel', () => {
    fc.assert(
      fc.property(anyText, (input) => {
        checkRendered(renderText(input));
        checkRendered(renderInlineText(input));
      }),
      { numRuns: 3000 },
    );
  });

  it('never links a script-capable scheme, however it is written', () => {
    const disguised = fc
      .record({
        scheme: fc.constantFrom('javascript', 'vbscript', 'data'),
        casing: fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }),
        gap: fc.constantFrom('', ' ', '\t', '\n', '&#9;', '&#x0A;', '\u0000'),
        colon: fc.constantFrom(':', '&colon;', '&#58;', '&#x3a;', '%3A'),
        markdown: fc.boolean(),
      })
      .map(({ scheme: s, casing, gap, colon, markdown }) => {
        const cased = Array.from(s, (c, i) => (casing[i] ? c.toUpperCase() : c)).join('');
        const url = `${cased.slice(0, 3)}${gap}${cased.slice(3)}${colon}alert(1)`;
        return markdown ? `[x](${url})` : url;
      });
    fc.assert(
      fc.property(disguised, hostileText, (url, around) => {
        for (const html of [renderText(`${around} ${url} ${around}`), renderInlineText(url)]) {
          checkRendered(html);
          for (const [, href] of html.matchAll(OWN_ANCHOR)) expect(decode(href!).toLowerCase()).not.toMatch(/^\s*(javascript|vbscript|data)/);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('links every http(s) URL it is given, with rel', () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (url) => {
        const html = renderInlineText(`see ${url} now`);
        expect(html).toContain(`rel="${REL}"`);
        expect([...html.matchAll(OWN_ANCHOR)].length).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 500 },
    );
  });
});
