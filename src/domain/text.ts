/**
 * What user text may contain: the one rule behind every form field. Free text ends up in HTML,
 * the Atom feed (XML 1.0 refuses most controls and the noncharacters U+FFFE/U+FFFF), CSV read by
 * spreadsheets, JSON and mail subjects. Characters that are invisible or that reorder what is
 * shown around them let a name pose as another one (a right-to-left override turns
 * "gpj.exe" into "exe.jpg"), so they are refused rather than escaped.
 */

/** A name, URL or other field shown on one line; or free text that keeps its line breaks and tabs. */
export type TextKind = 'line' | 'multiline';

/** Why a text was refused; each reason has its own message. */
export type TextProblem =
  /** C0 and C1 control characters (NUL, ESC, DEL…), and TAB in a single-line field. */
  | 'control'
  /** CR, LF, NEL, U+2028 or U+2029 in a single-line field. */
  | 'line_break'
  /** U+2028 / U+2029 in multi-line text: line breaks there are ordinary newlines. */
  | 'separator'
  /** Embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069). */
  | 'bidi'
  /** U+FDD0–U+FDEF and the last two code points of every plane: never meant for interchange. */
  | 'noncharacter'
  /** A UTF-16 surrogate without its other half: no UTF-8 form exists, PostgreSQL refuses it. */
  | 'unpaired_surrogate';

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const NEL = 0x85;
const LINE_SEPARATOR = 0x2028;
const PARAGRAPH_SEPARATOR = 0x2029;

function isControl(cp: number): boolean {
  return cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f);
}

function isBidiControl(cp: number): boolean {
  return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

function isNoncharacter(cp: number): boolean {
  return (cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) === 0xfffe;
}

function codePointProblem(cp: number, kind: TextKind): TextProblem | null {
  if (cp === LF || cp === CR || cp === NEL) return kind === 'line' ? 'line_break' : cp === NEL ? 'control' : null;
  if (cp === TAB) return kind === 'line' ? 'control' : null;
  if (isControl(cp)) return 'control';
  if (cp === LINE_SEPARATOR || cp === PARAGRAPH_SEPARATOR) return kind === 'line' ? 'line_break' : 'separator';
  if (isBidiControl(cp)) return 'bidi';
  if (isNoncharacter(cp)) return 'noncharacter';
  return null;
}

/** The first reason `text` may not be stored in a field of this kind, or null when it may. */
export function textProblem(text: string, kind: TextKind): TextProblem | null {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    let cp = unit;
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const low = text.charCodeAt(i + 1);
      if (!(low >= 0xdc00 && low <= 0xdfff)) return 'unpaired_surrogate';
      cp = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
      i++;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      return 'unpaired_surrogate';
    }
    const problem = codePointProblem(cp, kind);
    if (problem) return problem;
  }
  return null;
}

/** Whether `text` may be stored in a single-line field (names, URLs, CPE, license, languages). */
export function isLineText(text: string): boolean {
  return textProblem(text, 'line') === null;
}

/** Whether `text` may be stored as free text (descriptions, justifications, comments). */
export function isMultilineText(text: string): boolean {
  return textProblem(text, 'multiline') === null;
}
