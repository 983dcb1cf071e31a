import fs from 'node:fs';
import path from 'node:path';
import lex from 'pug-lexer';
import { describe, expect, it } from 'vitest';

/**
 * Every word a visitor reads comes from locales/: a literal in a view or a flash/error call
 * would stay English in every language. This scan finds such literals; the allowlist holds the
 * few texts that are the same in every language (names, formats, symbols).
 */
const root = path.resolve(import.meta.dirname, '../..');

function filesUnder(dir: string, ext: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(ext))
    .map((e) => path.join(e.parentPath, e.name));
}

/** Text the same in every language: product and format names, symbols. */
const ALLOWED_TEXT = new Set(['Markdown', 'HTML', 'reStructuredText', 'AsciiDoc', 'JSON', 'CSV', 'SVG', 'Atom', 'OpenAPI', 'GitHub', 'GitLab', 'OpenSSF']);
/** Attributes whose value a visitor reads or hears. */
const READ_ATTRIBUTES = new Set(['placeholder', 'title', 'aria-label', 'alt', 'aria-description', 'aria-roledescription', 'label', 'data-label']);

/** Text with a word of two or more letters that is not on the allowlist. */
function isProse(text: string): boolean {
  // Entities (&nbsp;) and addresses (/projects.json?all=1) are not words.
  const words = text.replace(/&\w+;/g, ' ').replace(/\S*\/\S*/g, ' ').match(/\p{L}{2,}/gu) ?? [];
  return words.some((w) => !ALLOWED_TEXT.has(w));
}

interface Token { type: string; val?: unknown; name?: string; loc: { start: { line: number } } }

function literalsInView(file: string): string[] {
  const source = fs.readFileSync(file, 'utf8');
  const tokens = lex(source, { filename: file }) as Token[];
  const found: string[] = [];
  const where = (tok: Token) => `${path.relative(root, file)}:${tok.loc.start.line}`;
  // Unbuffered code (`-` blocks) and script/style bodies arrive as "pipeless text": not prose.
  let skipping = false;
  for (const [i, tok] of tokens.entries()) {
    if (tok.type === 'start-pipeless-text') {
      const before = tokens[i - 1];
      skipping = before?.type === 'blockcode' || (before?.type === 'tag' && (before.val === 'script' || before.val === 'style')) || before?.type === 'dot' && tokens[i - 2]?.type === 'tag' && ['script', 'style'].includes(tokens[i - 2]!.val as string);
      continue;
    }
    if (tok.type === 'end-pipeless-text') {
      skipping = false;
      continue;
    }
    if (skipping) continue;
    if (tok.type === 'text' && typeof tok.val === 'string' && isProse(tok.val)) found.push(`${where(tok)} text ${JSON.stringify(tok.val)}`);
    if (tok.type === 'attribute' && tok.name && READ_ATTRIBUTES.has(tok.name) && typeof tok.val === 'string') {
      const literal = /^(['"])(.*)\1$/.exec(tok.val.trim());
      // Only a whole quoted literal: an expression (t('…'), a variable) is translated elsewhere.
      if (literal && isProse(literal[2]!)) found.push(`${where(tok)} ${tok.name}=${tok.val}`);
    }
  }
  return found;
}

describe('user-visible English outside locales/', () => {
  it('the scan finds literals when there are some', () => {
    const probe = path.join(import.meta.dirname, '__probe.pug');
    fs.writeFileSync(probe, "p Hello there\ninput(placeholder='Your name')\np= t('nav.login')\n-\n  const x = 'not prose here'\np.\n  Block prose\n");
    try {
      expect(literalsInView(probe)).toHaveLength(3);
    } finally {
      fs.rmSync(probe);
    }
  });

  it('no view has a text node or a read attribute with a literal', () => {
    const found = filesUnder(path.join(root, 'views'), '.pug').flatMap(literalsInView);
    expect(found).toEqual([]);
  });

  it('no flash message or HTTP error is written as English in code', () => {
    const found: string[] = [];
    for (const file of filesUnder(path.join(root, 'src'), '.ts')) {
      if (file.includes(`${path.sep}generated${path.sep}`)) continue;
      const source = fs.readFileSync(file, 'utf8');
      const patterns = [
        // addFlash(req, 'type', '<key>'): a key has no spaces.
        /addFlash\([^,]+,\s*'[^']*',\s*'([^']*)'/g,
        // new HttpError(status, 'code', '<message>'): the message is a code too; the page shows t(key).
        /new HttpError\(\s*[\w.]+,\s*[^,]+,\s*'([^']*)'/g,
        // notFound('…') / forbidden('…') take a subject or reason key.
        /\b(?:notFound|forbidden)\('([^']*)'\)/g,
      ];
      for (const pattern of patterns) {
        for (const m of source.matchAll(pattern)) {
          if (/\s/.test(m[1]!)) found.push(`${path.relative(root, file)}: ${m[0]}`);
        }
      }
    }
    expect(found).toEqual([]);
  });
});
