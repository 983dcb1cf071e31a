import { describe, expect, it } from 'vitest';
import { renderInlineText, renderText } from '../../src/presenters/text.ts';

describe('renderText', () => {
  it('escapes HTML', () => {
    expect(renderText('<script>alert("x")</script>')).toBe('<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>');
  });

  it('renders markdown links and bare URLs with rel=nofollow ugc', () => {
    expect(renderText('See [docs](https://example.org/a?b=1&c=2).')).toBe(
      '<p>See <a href="https://example.org/a?b=1&amp;c=2" rel="nofollow ugc noopener noreferrer">docs</a>.</p>',
    );
    expect(renderText('At https://example.org/x.')).toBe(
      '<p>At <a href="https://example.org/x" rel="nofollow ugc noopener noreferrer">https://example.org/x</a>.</p>',
    );
  });

  it('never turns javascript: into a link', () => {
    expect(renderText('[x](javascript:alert(1))')).not.toContain('<a');
  });

  it('keeps paragraphs and line breaks', () => {
    expect(renderText('a\nb\n\nc')).toBe('<p>a<br>b</p><p>c</p>');
    expect(renderText(null)).toBe('');
  });
});

describe('renderInlineText', () => {
  it('renders links without paragraph wrapping', () => {
    expect(renderInlineText('a <b>\n[x](https://e.org)')).toBe(
      'a &lt;b&gt; <a href="https://e.org" rel="nofollow ugc noopener noreferrer">x</a>',
    );
    expect(renderInlineText(undefined)).toBe('');
  });
});
