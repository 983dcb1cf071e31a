import fs from 'node:fs';
import path from 'node:path';
import i18next, { type i18n, type TFunction } from 'i18next';
import FsBackend, { type FsBackendOptions } from 'i18next-fs-backend';
import type { CriteriaSet, Criterion } from './criteria/index.ts';
import { fromProjectRoot } from './paths.ts';

export const SUPPORTED_LOCALES = ['en'] as const;
export const DEFAULT_LOCALE = 'en';
export type Translate = TFunction;

const localesDir = fromProjectRoot('locales');

/** Stable i18n key for a group heading ("Change Control" -> "change_control"). */
export function headingKey(heading: string): string {
  return heading.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
}

const TEXT_FIELDS = ['description', 'details', 'met_placeholder', 'unmet_placeholder', 'na_placeholder', 'rationale'] as const;
export type CriterionTextField = (typeof TEXT_FIELDS)[number];

/**
 * The English criteria text lives in criteria/*.yml (one source of truth); it is registered as
 * the `criteria` namespace so views look it up like any other string and translations can
 * override it per locale.
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

/**
 * One JSON file per area (translation.json for shared strings, accounts.json, …) so each part of
 * the app owns its strings; views use `t('<namespace>:<key>')` for non-default namespaces.
 */
function namespaces(): string[] {
  return fs
    .readdirSync(path.join(localesDir, DEFAULT_LOCALE))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.replace(/\.json$/, ''));
}

export async function createI18n(set: CriteriaSet): Promise<i18n> {
  const instance = i18next.createInstance();
  await instance.use(FsBackend).init<FsBackendOptions>({
    initAsync: false,
    preload: [...SUPPORTED_LOCALES],
    supportedLngs: [...SUPPORTED_LOCALES],
    fallbackLng: DEFAULT_LOCALE,
    ns: namespaces(),
    defaultNS: 'translation',
    backend: { loadPath: path.join(localesDir, '{{lng}}/{{ns}}.json') },
    // Pug escapes every interpolated string; escaping here as well would double-escape.
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  instance.addResourceBundle(DEFAULT_LOCALE, 'criteria', criteriaBundle(set), true, true);
  return instance;
}

/** Looks up a criterion text field, or undefined when neither the locale nor English has one. */
export function criterionText(t: Translate, criterion: Criterion, field: CriterionTextField): string | undefined {
  const key = `criteria:${criterion.level}.${criterion.id}.${field}`;
  const value = t(key, { defaultValue: '' });
  return value === '' ? undefined : value;
}
