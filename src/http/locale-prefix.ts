import type { RequestHandler } from 'express';
import { SUPPORTED_LOCALES } from '../i18n.ts';

const LOCALE_PREFIX = new RegExp(`^/(${SUPPORTED_LOCALES.join('|')})(?=/|$)`);

/**
 * `/<locale>/...` addresses every HTML page in that language: the prefix is remembered and
 * removed before routing, so each route is written once. Machine routes (badges, project JSON)
 * have no locale: a prefixed request for them is sent permanently to the unprefixed address.
 */
export const localePrefix: RequestHandler = (req, res, next) => {
  const match = LOCALE_PREFIX.exec(req.path);
  if (!match) {
    next();
    return;
  }
  const rest = req.url.slice(match[0].length) || '/';
  if (/^\/projects\/[1-9]\d*(\.json|\/badge(\.svg|\.json)?)(\?|$)/.test(rest)) {
    res.redirect(301, rest);
    return;
  }
  res.locals.localePrefix = match[0];
  res.locals.requestedLocale = match[1];
  req.url = rest;
  next();
};
