import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isLineText, isMultilineText, textProblem, type TextProblem } from '../../src/domain/text.ts';
import { parseForm, TEXT_PROBLEM_KEYS, textRule } from '../../src/services/validation.ts';

/** [description, text, problem in a single-line field, problem in multi-line text] */
const TABLE: [string, string, TextProblem | null, TextProblem | null][] = [
  ['plain ASCII', 'Widget Toolkit 2.0', null, null],
  ['accents, CJK and an emoji (a surrogate pair)', 'Café 東京 \u{1F600}', null, null],
  ['right-to-left text with marks (U+200F)', 'שלום \u200f عربي', null, null],
  ['a space and a no-break space', 'a b\u00a0c', null, null],
  ['a zero-width joiner (emoji sequences need it)', '\u{1F468}\u200d\u{1F469}', null, null],
  ['the last assigned code point before the noncharacters', '\u{10FFFD}', null, null],
  ['U+FFFD, the replacement character itself', 'a\ufffdb', null, null],
  ['LF', 'a\nb', 'line_break', null],
  ['CR', 'a\rb', 'line_break', null],
  ['CRLF', 'a\r\nb', 'line_break', null],
  ['TAB', 'a\tb', 'control', null],
  ['NUL', 'a\u0000b', 'control', 'control'],
  ['BEL', 'a\u0007b', 'control', 'control'],
  ['vertical tab', 'a\u000bb', 'control', 'control'],
  ['form feed', 'a\u000cb', 'control', 'control'],
  ['ESC', 'a\u001b[31m', 'control', 'control'],
  ['DEL', 'a\u007fb', 'control', 'control'],
  ['a C1 control (U+0080)', 'a\u0080b', 'control', 'control'],
  ['a C1 control (U+009F)', 'a\u009fb', 'control', 'control'],
  ['NEL (U+0085)', 'a\u0085b', 'line_break', 'control'],
  ['LINE SEPARATOR U+2028', 'a\u2028b', 'line_break', 'separator'],
  ['PARAGRAPH SEPARATOR U+2029', 'a\u2029b', 'line_break', 'separator'],
  ['LEFT-TO-RIGHT EMBEDDING U+202A', 'a\u202ab', 'bidi', 'bidi'],
  ['RIGHT-TO-LEFT EMBEDDING U+202B', 'a\u202bb', 'bidi', 'bidi'],
  ['POP DIRECTIONAL FORMATTING U+202C', 'a\u202cb', 'bidi', 'bidi'],
  ['LEFT-TO-RIGHT OVERRIDE U+202D', 'a\u202db', 'bidi', 'bidi'],
  ['RIGHT-TO-LEFT OVERRIDE U+202E', 'gpj\u202eexe.txt', 'bidi', 'bidi'],
  ['LEFT-TO-RIGHT ISOLATE U+2066', 'a\u2066b', 'bidi', 'bidi'],
  ['RIGHT-TO-LEFT ISOLATE U+2067', 'a\u2067b', 'bidi', 'bidi'],
  ['FIRST STRONG ISOLATE U+2068', 'a\u2068b', 'bidi', 'bidi'],
  ['POP DIRECTIONAL ISOLATE U+2069', 'a\u2069b', 'bidi', 'bidi'],
  ['U+FFFE', 'a\ufffeb', 'noncharacter', 'noncharacter'],
  ['U+FFFF', 'a\uffffb', 'noncharacter', 'noncharacter'],
  ['U+FDD0', 'a\ufdd0b', 'noncharacter', 'noncharacter'],
  ['U+FDEF', 'a\ufdefb', 'noncharacter', 'noncharacter'],
  ['U+1FFFE (plane 1)', 'a\u{1FFFE}b', 'noncharacter', 'noncharacter'],
  ['U+1FFFF (plane 1)', 'a\u{1FFFF}b', 'noncharacter', 'noncharacter'],
  ['U+8FFFE (plane 8)', 'a\u{8FFFE}b', 'noncharacter', 'noncharacter'],
  ['U+10FFFF (plane 16)', 'a\u{10FFFF}b', 'noncharacter', 'noncharacter'],
  ['a lone high surrogate', 'a\ud800b', 'unpaired_surrogate', 'unpaired_surrogate'],
  ['a lone low surrogate', 'a\udc00b', 'unpaired_surrogate', 'unpaired_surrogate'],
  ['a high surrogate at the end', 'a\ud83d', 'unpaired_surrogate', 'unpaired_surrogate'],
];

describe('textProblem (src/domain/text.ts)', () => {
  it.each(TABLE)('%s: single-line %j, multi-line %j', (_what, text, line, multiline) => {
    expect(textProblem(text, 'line')).toBe(line);
    expect(textProblem(text, 'multiline')).toBe(multiline);
    expect(isLineText(text)).toBe(line === null);
    expect(isMultilineText(text)).toBe(multiline === null);
  });

  it('allows the code points just outside each refused range', () => {
    for (const cp of [0x20, 0x7e, 0xa0, 0x2027, 0x202f, 0x2065, 0x206a, 0xfdcf, 0xfdf0, 0xfffd, 0x1fffd, 0x20000]) {
      expect(textProblem(String.fromCodePoint(cp), 'line'), cp.toString(16)).toBeNull();
    }
  });

  it('checks every one of the 66 noncharacters', () => {
    const nonchars = [...Array.from({ length: 32 }, (_, i) => 0xfdd0 + i), ...Array.from({ length: 17 }, (_, plane) => [plane * 0x10000 + 0xfffe, plane * 0x10000 + 0xffff]).flat()];
    expect(nonchars).toHaveLength(66);
    for (const cp of nonchars) expect(textProblem(String.fromCodePoint(cp), 'multiline'), cp.toString(16)).toBe('noncharacter');
  });

  it('is linear: a long text is checked in one pass', () => {
    const long = 'x'.repeat(1_000_000);
    const start = performance.now();
    expect(textProblem(long, 'line')).toBeNull();
    expect(performance.now() - start).toBeLessThan(1000);
  });
});

describe('textRule (the zod refinement every form uses)', () => {
  const form = z.object({ title: z.string().superRefine(textRule('line')), body: z.string().superRefine(textRule('multiline')) });

  it('names the field and the reason', () => {
    const result = parseForm(form, { title: 'a\u202eb', body: 'line one\r\nline two\ttabbed' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toEqual(Object.assign(Object.create(null), { title: [{ key: 'errors.bidi_characters' }] }));
  });

  it('has a message key for every reason', () => {
    expect(Object.keys(TEXT_PROBLEM_KEYS).sort()).toEqual(['bidi', 'control', 'line_break', 'noncharacter', 'separator', 'unpaired_surrogate']);
  });
});
