import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { criteria } from '../../src/criteria/index.ts';
import { COMPLETE_CRITERIA_LOCALES, SUPPORTED_LOCALES, createI18n, namespaces } from '../../src/i18n.ts';

/**
 * Consistency and safety of every locale file. Translators' strings reach pages through Pug
 * (escaped) and mail (plain text), but a string may still be pasted into HTML one day: only a
 * small set of harmless tags and attributes is allowed, and every {{placeholder}} must be the
 * one the code fills in.
 */
const root = path.resolve(import.meta.dirname, '../..');
const localesDir = path.join(root, 'locales');

type Tree = { [key: string]: string | Tree };

/** Leaf strings as "a.b.c" -> text. */
function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const full = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(full, value);
    else for (const [k, v] of flatten(value, full)) out.set(k, v);
  }
  return out;
}

function readTree(file: string): Tree | null {
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Tree) : null;
}

const PLURAL = /_(zero|one|two|few|many|other)$/;
/** "count_one" and "count_other" are one key to the code ("count"). */
const base = (key: string) => key.replace(PLURAL, '');

const presentLocales = SUPPORTED_LOCALES.filter((l) => fs.existsSync(path.join(localesDir, l)));
const otherLocales = presentLocales.filter((l) => l !== 'en');

/** Every file of every present locale: UI namespaces and, outside English, criteria.json. */
function localeFiles(): { locale: string; ns: string; strings: Map<string, string> }[] {
  const files = [];
  for (const locale of presentLocales) {
    for (const ns of [...namespaces(), ...(locale === 'en' ? [] : ['criteria'])]) {
      const tree = readTree(path.join(localesDir, locale, `${ns}.json`));
      if (tree) files.push({ locale, ns, strings: flatten(tree) });
    }
  }
  return files;
}

const SAFE_TAGS = new Set(['a', 'abbr', 'b', 'br', 'code', 'em', 'i', 'img', 'kbd', 'strong', 'span', 'sub', 'sup']);
const SAFE_ATTRIBUTES = new Set(['href', 'src', 'alt', 'title', 'lang', 'rel']);
/** Addresses a string may hold: the site's own, https, http, or one the code fills in. */
const SAFE_URL = /^(?:https?:\/\/|\/(?!\/)|#|\{\{\w+\}\})/;

/** What is unsafe in one string: unknown tags or attributes, script URLs, event handlers. */
export function unsafeHtml(text: string): string[] {
  const problems: string[] = [];
  for (const tag of text.matchAll(/<\s*(\/?)\s*([a-zA-Z][\w-]*)([^>]*)>/g)) {
    const name = tag[2]!.toLowerCase();
    if (!SAFE_TAGS.has(name)) problems.push(`tag <${name}>`);
    for (const attr of tag[3]!.matchAll(/([^\s=/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)) {
      const attrName = attr[1]!.toLowerCase();
      const value = attr[2] ?? attr[3] ?? attr[4] ?? '';
      if (!SAFE_ATTRIBUTES.has(attrName)) problems.push(`attribute ${attrName}`);
      if ((attrName === 'href' || attrName === 'src') && !SAFE_URL.test(value)) problems.push(`${attrName}="${value}"`);
    }
  }
  // Markup that hides from the tag pattern above: comments, CDATA, a "<" glued to a script word.
  if (/<!--|<!\[CDATA\[|<\s*script|javascript:/i.test(text)) problems.push('script or comment');
  return problems;
}

const placeholders = (text: string) => [...new Set([...text.matchAll(/\{\{\s*-?\s*([\w.]+)[^}]*\}\}/g)].map((m) => m[1]!))].sort();

describe('locale files', () => {
  it('the safety check refuses what it must', () => {
    expect(unsafeHtml('Read <a href="https://example.org" onclick="x()">this</a>')).toEqual(['attribute onclick']);
    expect(unsafeHtml('<script>alert(1)</script>')).toContain('tag <script>');
    expect(unsafeHtml('<a href="javascript:alert(1)">x</a>')).toContain('href="javascript:alert(1)"');
    expect(unsafeHtml('<iframe src="https://x">')).toContain('tag <iframe>');
    expect(unsafeHtml('<a href="{{url}}">x</a> and <code>a &lt; b</code>')).toEqual([]);
  });

  it('are valid JSON objects of strings', () => {
    for (const { locale, ns, strings } of localeFiles()) {
      expect(strings.size, `${locale}/${ns}.json`).toBeGreaterThan(0);
    }
  });

  it('hold only safe HTML (an allowlist of tags, attributes and URL schemes)', () => {
    const problems: string[] = [];
    for (const { locale, ns, strings } of localeFiles()) {
      for (const [key, text] of strings) for (const p of unsafeHtml(text)) problems.push(`${locale}/${ns}.json ${key}: ${p}`);
    }
    // The English criteria text (criteria/*.yml) is checked like a translation.
    const set = criteria();
    for (const level of set.levels) {
      for (const c of level.criteria) {
        for (const field of ['description', 'details', 'rationale'] as const) {
          for (const p of unsafeHtml(c[field] ?? '')) problems.push(`criteria ${c.id}.${field}: ${p}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it.skipIf(otherLocales.length === 0)('use the same {{placeholders}} as English, and only keys English has', () => {
    const english = new Map(localeFiles().filter((f) => f.locale === 'en').map((f) => [f.ns, f.strings]));
    const problems: string[] = [];
    for (const { locale, ns, strings } of localeFiles()) {
      if (locale === 'en' || ns === 'criteria') continue;
      const en = english.get(ns) ?? new Map<string, string>();
      // Plural forms differ per language (ja has only _other, en _one/_other): compare by base key.
      const enByBase = new Map<string, Set<string>>();
      for (const [key, text] of en) {
        const set = enByBase.get(base(key)) ?? new Set<string>();
        for (const p of placeholders(text)) set.add(p);
        enByBase.set(base(key), set);
      }
      for (const [key, text] of strings) {
        const expected = enByBase.get(base(key));
        if (!expected) {
          problems.push(`${locale}/${ns}.json ${key}: not an English key`);
          continue;
        }
        const own = placeholders(text);
        const unknown = own.filter((p) => !expected.has(p));
        // A singular may say "one" instead of {{count}}; every other form keeps every placeholder.
        const missing = PLURAL.test(key) && !key.endsWith('_other') ? [] : [...expected].filter((p) => !own.includes(p));
        if (unknown.length || missing.length) problems.push(`${locale}/${ns}.json ${key}: placeholders ${JSON.stringify(own)} vs English ${JSON.stringify([...expected])}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it.skipIf(otherLocales.length === 0)('criteria files: only criteria, fields, levels and headings English has, with no placeholders', async () => {
    const i18n = await createI18n(criteria());
    const english = flatten(i18n.getResourceBundle('en', 'criteria') as Tree);
    const problems: string[] = [];
    for (const { locale, ns, strings } of localeFiles()) {
      if (ns !== 'criteria') continue;
      for (const [key, text] of strings) {
        if (!english.has(key)) problems.push(`${locale}/criteria.json ${key}: not an English criterion text`);
        else if (placeholders(text).join() !== placeholders(english.get(key)!).join()) problems.push(`${locale}/criteria.json ${key}: placeholders differ`);
      }
    }
    expect(problems).toEqual([]);
  });
});

/**
 * Complete locales have every string. A locale whose directory does not exist yet is skipped
 * (it is being added); once its directory exists, every missing string is listed.
 */
describe.each(otherLocales)('locale %s is complete', (locale) => {
  it('has every UI string English has', () => {
    const missing: string[] = [];
    for (const ns of namespaces()) {
      const en = flatten(readTree(path.join(localesDir, 'en', `${ns}.json`))!);
      const own = flatten(readTree(path.join(localesDir, locale, `${ns}.json`)) ?? {});
      const ownBases = new Set([...own.keys()].map(base));
      for (const key of en.keys()) {
        // Plural keys: the language's own forms stand for English's one/other.
        if (PLURAL.test(key) ? !ownBases.has(base(key)) : !own.has(key)) missing.push(`${ns}:${key}`);
      }
    }
    expect([...new Set(missing)]).toEqual([]);
  });

  it.skipIf(!COMPLETE_CRITERIA_LOCALES.includes(locale))('has every criteria text English has', async () => {
    const i18n = await createI18n(criteria());
    const english = flatten(i18n.getResourceBundle('en', 'criteria') as Tree);
    const own = flatten(readTree(path.join(localesDir, locale, 'criteria.json')) ?? {});
    expect([...english.keys()].filter((k) => !own.get(k))).toEqual([]);
  });
});

/**
 * An English key nobody uses is a string translators translate for nothing. Keys are built in
 * code in three ways: literally ('nav.login'), from a literal prefix ('errors.titles.' + status,
 * `badge_levels.${key}`), or per namespace with a dynamic first part (mail's `${kind}.subject`).
 */
describe('English keys', () => {
  const sources = [
    ...['src', 'views', 'public'].flatMap((dir) =>
      fs.readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
        .filter((e) => e.isFile() && /\.(ts|pug|js)$/.test(e.name) && !e.parentPath.includes('generated'))
        .map((e) => fs.readFileSync(path.join(e.parentPath, e.name), 'utf8')),
    ),
  ].join('\n');

  /** Every quoted key-like literal: 'nav.login', "status.Met", `stats:feed.title`. */
  const literals = new Set([...sources.matchAll(/['"`]([\w:.-]+)['"`]/g)].map((m) => m[1]!));
  /** Literal heads of built keys: `badge_levels.${…}`, 'errors.titles.' + status, `errors.url_${…}`. */
  const heads = [...new Set([
    ...[...sources.matchAll(/`([\w:.-]+)\$\{/g)].map((m) => m[1]!),
    ...[...sources.matchAll(/'([\w:.-]+)'\s*\+/g)].map((m) => m[1]!),
  ])].filter((h) => /[:.]|_$/.test(h) && h.length >= 3);
  /** Literal tails after a built head: `${kind}.subject`. */
  const tails = [...new Set([...sources.matchAll(/\}([\w.-]+)`/g)].map((m) => m[1]!))].filter((tail) => tail.startsWith('.'));
  /** Keys read other than through t(): the OpenAPI document takes its English text from the file itself. */
  const READ_AS_FILE = ['api_docs:openapi.'];

  function used(ns: string, key: string): boolean {
    const k = base(key);
    const names = ns === 'translation' ? [k, `translation:${k}`] : [`${ns}:${k}`, k];
    if (READ_AS_FILE.some((p) => names[0]!.startsWith(p))) return true;
    if (names.some((n) => literals.has(n) || literals.has(key) || literals.has(`${ns}:${key}`))) return true;
    if (names.some((n) => heads.some((h) => n.startsWith(h)))) return true;
    return tails.some((tail) => k.endsWith(tail));
  }

  it('are each used somewhere in src, views or public', () => {
    const unused: string[] = [];
    for (const ns of namespaces()) {
      for (const key of flatten(readTree(path.join(localesDir, 'en', `${ns}.json`))!).keys()) {
        if (!used(ns, key)) unused.push(`${ns}:${base(key)}`);
      }
    }
    expect([...new Set(unused)]).toEqual([]);
  });
});
