import fs from 'node:fs';
import path from 'node:path';
import i18next, { type i18n, type TFunction } from 'i18next';
import FsBackend, { type FsBackendOptions } from 'i18next-fs-backend';
import type { CriteriaSet, Criterion } from './criteria/index.ts';
import { fromProjectRoot } from './paths.ts';

/** Every language the site is served in; the first is the default and the fallback of each string. */
export const SUPPORTED_LOCALES = ['en', 'de', 'fr', 'es', 'ja', 'zh-CN'] as const;
export type Locale = (typeof SUPPORTED_LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';
/**
 * Locales whose criteria text is expected to be complete. The others show English for what is
 * not translated yet, marked as English on the page.
 */
export const COMPLETE_CRITERIA_LOCALES: readonly Locale[] = ['en', 'de', 'fr'];
/** Each locale's name in its own language: the switcher shows it so a reader finds their own. */
export const NATIVE_NAMES: Readonly<Record<Locale, string>> = {
  en: 'English',
  de: 'Deutsch',
  fr: 'Français',
  es: 'Español',
  ja: '日本語',
  'zh-CN': '简体中文',
};
export type Translate = TFunction;

const localesDir = fromProjectRoot('locales');

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (SUPPORTED_LOCALES as readonly string[]).includes(value);
}

/** A tag as the site spells it ("zh-cn", "zh-Hans", "zh-Hans-CN" -> "zh-CN"), or null. */
export function supportedLocale(tag: string): Locale | null {
  const lower = tag.trim().toLowerCase();
  if (!lower) return null;
  const exact = SUPPORTED_LOCALES.find((l) => l.toLowerCase() === lower);
  if (exact) return exact;
  const [language, ...rest] = lower.split(/[-_]/);
  if (language === 'zh') {
    // Only Simplified Chinese is offered: Traditional (zh-TW, zh-HK, zh-Hant) readers are better
    // served by the English text than by the other script.
    const traditional = rest.some((part) => ['hant', 'tw', 'hk', 'mo'].includes(part));
    return traditional ? null : 'zh-CN';
  }
  return SUPPORTED_LOCALES.find((l) => l === language) ?? null;
}

/**
 * The best supported locale for an Accept-Language header (RFC 9110 §12.5.4): highest q first,
 * ties in the header's order; q=0 means "not this one"; a region or script falls back to its
 * language ("de-AT" -> de). Null when nothing offered matches.
 */
export function negotiateLocale(header: string | undefined): Locale | null {
  if (!header) return null;
  const ranges = header
    .split(',')
    .slice(0, 50)
    .map((part, index) => {
      const [tag = '', ...params] = part.split(';').map((s) => s.trim());
      const qParam = params.find((p) => /^q=/i.test(p));
      const q = qParam ? Number(qParam.slice(2)) : 1;
      return { tag, q: Number.isFinite(q) && q >= 0 && q <= 1 ? q : 0, index };
    })
    .filter((r) => r.tag && r.tag !== '*' && r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const range of ranges) {
    const locale = supportedLocale(range.tag);
    if (locale) return locale;
  }
  return null;
}

/** Badges and project JSON: the same bytes in every language, so they have no /<locale> form. */
export const MACHINE_ROUTE = /^\/projects\/[1-9]\d*(\.json|\/(?:badge|baseline)(\.svg|\.json)?)(\?|$)/;
/** Files under public/ and the static badges. */
const STATIC_FILE = /^\/(?:css|js|images|badge_static)\/|^\/(?:favicon\.svg|logo\.svg|robots\.txt)(?:\?|$)/;
const HAS_LOCALE = new RegExp(`^/(?:${SUPPORTED_LOCALES.join('|')})(?=/|\\?|$)`);

/**
 * Addresses that never take a /<locale> prefix: machine routes (their prefixed form is only a
 * redirect), static files, health checks and paths that already carry a locale.
 */
export function isLocaleFreePath(target: string): boolean {
  return MACHINE_ROUTE.test(target) || STATIC_FILE.test(target) || HAS_LOCALE.test(target) || target.startsWith('/healthz');
}

/**
 * A link to this site (`<publicUrl>/…`) in the given language, for mail: the reader lands on the
 * page in the language the mail was written in, whatever their browser sends.
 */
export function localisedSiteUrl(publicUrl: string, url: string, locale: string): string {
  if (!url.startsWith(`${publicUrl}/`)) return url;
  const rest = url.slice(publicUrl.length);
  return isLocaleFreePath(rest) ? url : `${publicUrl}/${locale}${rest}`;
}

/** Stable i18n key for a group heading ("Change Control" -> "change_control"). */
export function headingKey(heading: string): string {
  return heading.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
}

export const TEXT_FIELDS = ['description', 'details', 'met_placeholder', 'unmet_placeholder', 'na_placeholder', 'rationale'] as const;
export type CriterionTextField = (typeof TEXT_FIELDS)[number];

/**
 * The English criteria text lives in criteria/*.yml (one source of truth); it is registered as
 * the `criteria` namespace so views look it up like any other string. Other languages come from
 * locales/<lng>/criteria.json in the same shape: criteria keyed by level and criterion id,
 * headings by the slug of their English text (headingKey), so a reworded English heading does
 * not silently orphan its translations without the consistency test noticing.
 */
function criteriaBundle(set: CriteriaSet): Record<string, unknown> {
  const bundle: Record<string, Record<string, unknown>> = { headings: {}, levels: {} };
  for (const level of set.levels) {
    bundle.levels![level.key] = level.name;
    const entries: Record<string, Record<string, string>> = {};
    for (const section of level.sections) {
      bundle.headings![headingKey(section.major)] = section.major;
      for (const group of section.groups) bundle.headings![headingKey(group.minor)] = group.minor;
    }
    for (const criterion of level.criteria) {
      const texts: Record<string, string> = {};
      for (const field of TEXT_FIELDS) {
        const value = criterion[field];
        if (value) texts[field] = value;
      }
      entries[criterion.id] = texts;
    }
    bundle[level.key] = entries;
  }
  return bundle;
}

/** A translator's criteria file, or null while the language has none. */
function readCriteriaFile(locale: Locale): Record<string, unknown> | null {
  const file = path.join(localesDir, locale, 'criteria.json');
  if (!fs.existsSync(file)) return null;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/**
 * One JSON file per area (translation.json for shared strings, accounts.json, …) so each part of
 * the app owns its strings; views use `t('<namespace>:<key>')` for non-default namespaces.
 */
export function namespaces(): string[] {
  return fs
    .readdirSync(path.join(localesDir, DEFAULT_LOCALE))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.replace(/\.json$/, ''));
}

export async function createI18n(set: CriteriaSet): Promise<i18n> {
  const instance = i18next.createInstance();
  // Only languages with a directory are read: a locale being added has none until its first file.
  const present = SUPPORTED_LOCALES.filter((l) => fs.existsSync(path.join(localesDir, l)));
  await instance.use(FsBackend).init<FsBackendOptions>({
    initAsync: false,
    preload: present,
    supportedLngs: [...SUPPORTED_LOCALES],
    // "zh-CN" must stay one code, not fall back through "zh".
    load: 'currentOnly',
    // Each missing string falls back to English on its own, never a whole page.
    fallbackLng: DEFAULT_LOCALE,
    ns: namespaces(),
    defaultNS: 'translation',
    backend: { loadPath: path.join(localesDir, '{{lng}}/{{ns}}.json') },
    // Pug escapes every interpolated string; escaping here as well would double-escape.
    interpolation: { escapeValue: false },
    returnNull: false,
    returnEmptyString: false,
  });
  instance.addResourceBundle(DEFAULT_LOCALE, 'criteria', criteriaBundle(set), true, true);
  for (const locale of SUPPORTED_LOCALES) {
    if (locale === DEFAULT_LOCALE) continue;
    const bundle = readCriteriaFile(locale);
    if (bundle) instance.addResourceBundle(locale, 'criteria', bundle, true, true);
  }
  return instance;
}

/**
 * A criterion text shown in English because its locale lacks it. A String object (not a
 * primitive) so every view that prints it unchanged still can, while the render helpers
 * (view-locals) recognise it and mark the text as English.
 */
export class EnglishFallback extends String {}

function criterionKey(criterion: Criterion, field: CriterionTextField): string {
  return `${criterion.level}.${criterion.id}.${field}`;
}

/** Looks up a criterion text field, or undefined when neither the locale nor English has one. */
export function criterionText(t: Translate, criterion: Criterion, field: CriterionTextField): string | undefined {
  const value = t(`criteria:${criterionKey(criterion, field)}`, { defaultValue: '' });
  return value === '' ? undefined : value;
}

/**
 * The criterion text for a locale, an EnglishFallback when only English has it (never for `en`
 * itself), or undefined when there is none.
 */
export function localisedCriterionText(instance: i18n, locale: string, criterion: Criterion, field: CriterionTextField): string | EnglishFallback | undefined {
  const key = criterionKey(criterion, field);
  const own = instance.getResource(locale, 'criteria', key) as unknown;
  if (typeof own === 'string' && own !== '') return own;
  const english = instance.getResource(DEFAULT_LOCALE, 'criteria', key) as unknown;
  if (typeof english !== 'string' || english === '') return undefined;
  return locale === DEFAULT_LOCALE ? english : new EnglishFallback(english);
}

export interface CriteriaCoverage {
  locale: Locale;
  translated: number;
  total: number;
  /** Whole percent, rounded down so 99.6 % never reads as complete. */
  percent: number;
}

/** Share of the English criterion strings each locale translates (the criteria page shows it). */
export function criteriaCoverage(instance: i18n, set: CriteriaSet): CriteriaCoverage[] {
  return SUPPORTED_LOCALES.map((locale) => {
    let total = 0;
    let translated = 0;
    for (const level of set.levels) {
      for (const criterion of level.criteria) {
        for (const field of TEXT_FIELDS) {
          const key = criterionKey(criterion, field);
          if (!instance.getResource(DEFAULT_LOCALE, 'criteria', key)) continue;
          total++;
          if (instance.getResource(locale, 'criteria', key)) translated++;
        }
      }
    }
    return { locale, translated, total, percent: total ? Math.floor((translated * 100) / total) : 100 };
  });
}
