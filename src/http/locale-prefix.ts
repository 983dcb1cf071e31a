import type { RequestHandler } from 'express';
import { DEFAULT_LOCALE, MACHINE_ROUTE, SUPPORTED_LOCALES, supportedLocale } from '../i18n.ts';

export { isLocaleFreePath } from '../i18n.ts';

const LOCALE_PREFIX = new RegExp(`^/(${SUPPORTED_LOCALES.join('|')})(?=/|$)`);

/**
 * What a language tag in the first path segment looks like: a two-letter language, optionally
 * with a two-letter region (`de`, `pt-BR`, `zh-cn`). No route has a two-letter first segment, so
 * such a prefix is a language the site does not have (yet), not a mistyped page.
 */
const LANGUAGE_LIKE_PREFIX = /^\/[a-z]{2}(?:[-_][a-z]{2})?(?=\/|$)/i;


/**
 * `/<locale>/...` addresses every HTML page in that language: the prefix is remembered and
 * removed before routing, so each route is written once. Machine routes (badges, project JSON)
 * have no locale: a prefixed request for them is sent permanently to the unprefixed address.
 * A language the site lacks is sent (temporarily: it may be added later) to the same page in
 * the default language, so links shared from another language version still work.
 */
export const localePrefix: RequestHandler = (req, res, next) => {
  const match = LOCALE_PREFIX.exec(req.path);
  if (!match) {
    // `?locale=fr` (upstream's second way to ask for a language) becomes the prefixed address,
    // so every link of the page then keeps the language as it does for /fr/... itself.
    const asked = localeQuery(req.originalUrl);
    if (asked && (req.method === 'GET' || req.method === 'HEAD') && !MACHINE_ROUTE.test(req.path)) {
      const query = asked.rest ? `?${asked.rest}` : '';
      res.redirect(302, `/${asked.locale}${req.path === '/' ? '' : req.path}${query}`);
      return;
    }
    const unknown = LANGUAGE_LIKE_PREFIX.exec(req.path);
    // Only reads are redirected: a form posted to a made-up prefix would lose its body.
    if (unknown && (req.method === 'GET' || req.method === 'HEAD')) {
      // Built from the parsed path, which starts with "/" (or is empty) after the prefix: the
      // target stays on this site whatever the request line held.
      const queryStart = req.originalUrl.indexOf('?');
      const rest = req.path.slice(unknown[0].length) + (queryStart >= 0 ? req.originalUrl.slice(queryStart) : '');
      // A known language in another spelling ("/zh-cn", "/de-AT") goes to the site's own.
      const locale = supportedLocale(unknown[0].slice(1)) ?? DEFAULT_LOCALE;
      res.redirect(302, MACHINE_ROUTE.test(rest) ? rest : `/${locale}${rest}`);
      return;
    }
    next();
    return;
  }
  const after = req.url.slice(match[0].length);
  // "/de" and "/de?q=1" are the home page: the path part must still start with "/".
  const rest = after.startsWith('/') ? after : `/${after}`;
  if (MACHINE_ROUTE.test(rest)) {
    res.redirect(301, rest);
    return;
  }
  res.locals.localePrefix = match[0];
  res.locals.requestedLocale = match[1];
  req.url = rest;
  next();
};

/** The supported locale a `locale` query parameter asks for, with the rest of the query kept. */
function localeQuery(originalUrl: string): { locale: string; rest: string } | null {
  const queryStart = originalUrl.indexOf('?');
  if (queryStart < 0) return null;
  const params = new URLSearchParams(originalUrl.slice(queryStart + 1));
  const values = params.getAll('locale');
  // One value only: a repeated parameter is ambiguous, and an unknown language is ignored.
  const locale = values.length === 1 ? supportedLocale(values[0]!) : null;
  if (!locale) return null;
  params.delete('locale');
  return { locale, rest: params.toString() };
}
