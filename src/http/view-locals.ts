import type { RequestHandler } from 'express';
import type { i18n } from 'i18next';
import type { Config } from '../config.ts';
import type { Criterion } from '../criteria/index.ts';
import { DEFAULT_LOCALE, criterionText, headingKey, type CriterionTextField } from '../i18n.ts';
import { renderInlineText, renderText } from '../presenters/text.ts';
import { generateToken } from './csrf.ts';

/** Locale and translation function for the request (path-based locales arrive with the API work). */
export function localeMiddleware(i18next: i18n): RequestHandler {
  return (req, res, next) => {
    const t = i18next.getFixedT(DEFAULT_LOCALE);
    res.locals.locale = DEFAULT_LOCALE;
    res.locals.t = t;
    res.locals.criterionText = (c: Criterion, field: CriterionTextField) => criterionText(t, c, field);
    res.locals.headingText = (heading: string) => t(`criteria:headings.${headingKey(heading)}`, { defaultValue: heading });
    res.locals.levelName = (key: string) => t(`criteria:levels.${key}`, { defaultValue: key });
    res.locals.renderText = renderText;
    res.locals.renderInlineText = renderInlineText;
    res.locals.formatDate = (d: Date | null) => (d ? d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : '');
    next();
  };
}

/** Per-request values the layout needs once a session exists. */
export function sessionLocals(config: Readonly<Config>): RequestHandler {
  return (req, res, next) => {
    res.locals.currentUser = req.user ?? null;
    res.locals.publicUrl = config.publicUrl;
    // Generated lazily: only pages with a form create (and store) a token.
    res.locals.csrfToken = () => generateToken(req);
    if (req.session.flash?.length) {
      res.locals.flash = req.session.flash;
      delete req.session.flash;
    } else {
      res.locals.flash = [];
    }
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
