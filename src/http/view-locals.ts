import type { Request, RequestHandler, Response } from 'express';
import type { i18n } from 'i18next';
import type { Config } from '../config.ts';
import type { Criterion } from '../criteria/index.ts';
import {
  DEFAULT_LOCALE, EnglishFallback, NATIVE_NAMES, SUPPORTED_LOCALES, headingKey, isLocale, localisedCriterionText, negotiateLocale,
  type CriterionTextField, type Locale,
} from '../i18n.ts';
import { renderInlineText, renderText } from '../presenters/text.ts';
import type { Csrf } from './csrf.ts';
import { isLocaleFreePath } from './locale-prefix.ts';

/** Where the request's language came from (the first that applies wins). */
export type LocaleSource = 'prefix' | 'preference' | 'header' | 'default';

/**
 * `path` as a link on this request's pages: under the request's /<locale> prefix when it has one,
 * so a visitor who chose a language by address keeps it from page to page. Paths already carrying
 * a locale, other hosts, static files and locale-free machine routes are left alone.
 */
export function localePathFor(prefix: string | undefined, target: string): string {
  if (!prefix || !target.startsWith('/') || target.startsWith('//') || target.startsWith('/\\')) return target;
  if (isLocaleFreePath(target)) return target;
  return target === '/' ? prefix : prefix + target;
}

/** Local links and form targets in rendered HTML (` href="/…"`, ` action="/…"`, ` formaction="/…"`). */
const LOCAL_LINK = /(\s(?:href|action|formaction)=")(\/[^"]*)"/g;

/** Puts the request's prefix on every local link of a page, so no view has to remember it. */
export function prefixLinks(html: string, prefix: string | undefined): string {
  if (!prefix) return html;
  return html.replace(LOCAL_LINK, (_m, start: string, target: string) => `${start}${localePathFor(prefix, target)}"`);
}

/** Criterion text shown in English on another language's page: English by `lang`, and said so. */
function markEnglish(res: Response, html: string, block: boolean): string {
  const t = res.locals.t as (key: string) => string;
  const note = `<small class="translation-fallback">${t('translation:i18n.english_fallback')}</small>`;
  return block ? `<div lang="en">${html}</div>${note}` : `<span lang="en">${html}</span> ${note}`;
}

/** Sets the language of this response and every view helper that depends on it. */
function applyLocale(i18next: i18n, res: Response, locale: Locale, source: LocaleSource): void {
  const t = i18next.getFixedT(locale);
  res.locals.locale = locale;
  res.locals.localeSource = source;
  res.locals.t = t;
  res.locals.criterionText = (c: Criterion, field: CriterionTextField) => {
    const text = localisedCriterionText(i18next, locale, c, field);
    // Placeholders end up in attributes, which cannot say "this part is English": plain text.
    return text instanceof EnglishFallback && field.endsWith('_placeholder') ? String(text) : text;
  };
  res.locals.headingText = (heading: string) => t(`criteria:headings.${headingKey(heading)}`, { defaultValue: heading });
  res.locals.levelName = (key: string) => {
    // A locale without criteria text of its own still names the metal levels in its UI strings.
    if (locale !== DEFAULT_LOCALE && !i18next.getResource(locale, 'criteria', `levels.${key}`)) {
      const own = i18next.getResource(locale, 'translation', `badge_levels.${key}`) as unknown;
      if (typeof own === 'string' && own) return own.charAt(0).toLocaleUpperCase(locale) + own.slice(1);
    }
    return t(`criteria:levels.${key}`, { defaultValue: key });
  };
  res.locals.renderText = (text: string | EnglishFallback | undefined) =>
    text instanceof EnglishFallback ? markEnglish(res, renderText(String(text)), true) : renderText(text);
  res.locals.renderInlineText = (text: string | EnglishFallback | undefined) =>
    text instanceof EnglishFallback ? markEnglish(res, renderInlineText(String(text)), false) : renderInlineText(text);
  const dates = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
  const numbers = new Intl.NumberFormat(locale);
  // Times are stored and shown in UTC: a server-rendered page cannot know the reader's zone.
  res.locals.formatDate = (d: Date | null | undefined) => (d ? `${dates.format(d)} UTC` : '');
  res.locals.formatNumber = (n: number) => numbers.format(n);
}

/**
 * Language of the request: the /<locale> prefix, else the saved preference of the signed-in user
 * (applied by sessionLocals once the user is known), else the best Accept-Language match, else
 * English. Only pages without a prefix depend on the header, and they say so (Vary).
 */
export function localeMiddleware(i18next: i18n): RequestHandler {
  return (req, res, next) => {
    const requested = res.locals.requestedLocale as unknown;
    if (isLocale(requested)) {
      applyLocale(i18next, res, requested, 'prefix');
    } else {
      const negotiated = negotiateLocale(req.get('accept-language'));
      applyLocale(i18next, res, negotiated ?? DEFAULT_LOCALE, negotiated ? 'header' : 'default');
      res.vary('Accept-Language');
    }
    res.locals.setLocale = (locale: Locale, source: LocaleSource) => { applyLocale(i18next, res, locale, source); };
    next();
  };
}

/** The language switcher's entries: the current page in each locale. */
function switcherLinks(req: Request, current: Locale): { locale: Locale; name: string; href: string; current: boolean }[] {
  const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
  const path = req.path === '/' ? '' : req.path;
  return SUPPORTED_LOCALES.map((locale) => ({ locale, name: NATIVE_NAMES[locale], href: `/${locale}${path}${query}`, current: locale === current }));
}

/** Per-request values the layout needs once a session exists. */
export function sessionLocals(config: Readonly<Config>, csrf: Pick<Csrf, 'generateToken'>): RequestHandler {
  return (req, res, next) => {
    res.locals.currentUser = req.user ?? null;
    res.locals.publicUrl = config.publicUrl;
    // A saved preference beats the browser's header, never an explicit /<locale> address.
    const preferred = req.user?.preferredLocale;
    const setLocale = res.locals.setLocale as ((l: Locale, s: LocaleSource) => void) | undefined;
    if (!res.locals.requestedLocale && isLocale(preferred) && setLocale) setLocale(preferred, 'preference');
    const prefix = res.locals.localePrefix as string | undefined;
    res.locals.localePath = (target: string) => localePathFor(prefix, target);
    res.locals.languages = switcherLinks(req, res.locals.locale as Locale);
    // Every HTML page exists under each /<locale> prefix; search engines learn the variants here.
    const path = req.path === '/' ? '' : req.path;
    res.locals.alternates = [
      ...SUPPORTED_LOCALES.map((l) => ({ hreflang: l, href: `${config.publicUrl}/${l}${path}` })),
      { hreflang: 'x-default', href: `${config.publicUrl}${path || '/'}` },
    ];
    // Generated lazily: only pages with a form get a token (and anonymous visitors its cookie).
    res.locals.csrfToken = () => csrf.generateToken(req, res);
    res.locals.flash = [];

    // Flash messages are taken out of the session only by a page that shows them, so a
    // redirect chain (/projects/1 -> /projects/1/passing) does not swallow them.
    const render: (view: string, options: object, done: (err: Error | null, html: string) => void) => void = res.render.bind(res);
    res.render = (view: string, options?: object) => {
      if (req.session.flash?.length) {
        res.locals.flash = req.session.flash;
        delete req.session.flash;
      }
      // Every local link of the page keeps the request's /<locale> prefix.
      render(view, options ?? {}, (err: Error | null, html: string) => {
        if (err) {
          req.next?.(err);
          return;
        }
        res.send(prefixLinks(html, prefix));
      });
    };

    // express-session saves after the response headers go out; a browser that follows the
    // redirect at once could read the session before the flash (or login) is stored.
    const redirect: (status: number, url: string) => void = res.redirect.bind(res);
    res.redirect = (statusOrUrl: number | string, maybeUrl?: string) => {
      const [status, target] = typeof statusOrUrl === 'number' ? [statusOrUrl, maybeUrl ?? '/'] : [302, statusOrUrl];
      // Redirects within the site stay in the language the visitor chose by address.
      const url = localePathFor(prefix, target);
      // After logout the session is gone (destroyed); there is nothing to save.
      // After logout the session is gone; an anonymous session with nothing in it must not be
      // written to the store just because the visitor was redirected.
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- typed as always present
      if (!req.session || Object.keys(req.session).every((k) => k === 'cookie')) {
        redirect(status, url);
        return;
      }
      req.session.save((err) => {
        if (err) {
          next(err);
          return;
        }
        redirect(status, url);
      });
    };
    next();
  };
}

export function addFlash(
  req: Parameters<RequestHandler>[0],
  type: 'success' | 'info' | 'warning' | 'danger',
  key: string,
  values?: Record<string, string | number>,
): void {
  req.session.flash = [...(req.session.flash ?? []), values ? { type, key, values } : { type, key }];
}
