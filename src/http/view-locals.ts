import type { RequestHandler } from 'express';
import type { i18n } from 'i18next';
import type { Config } from '../config.ts';
import type { Criterion } from '../criteria/index.ts';
import { DEFAULT_LOCALE, SUPPORTED_LOCALES, criterionText, headingKey, type CriterionTextField } from '../i18n.ts';
import { renderInlineText, renderText } from '../presenters/text.ts';
import type { Csrf } from './csrf.ts';

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
export function sessionLocals(config: Readonly<Config>, csrf: Pick<Csrf, 'generateToken'>): RequestHandler {
  return (req, res, next) => {
    res.locals.currentUser = req.user ?? null;
    res.locals.publicUrl = config.publicUrl;
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
    const render: (view: string, options?: object) => void = res.render.bind(res);
    res.render = (view: string, options?: object) => {
      if (req.session.flash?.length) {
        res.locals.flash = req.session.flash;
        delete req.session.flash;
      }
      render(view, options);
    };

    // express-session saves after the response headers go out; a browser that follows the
    // redirect at once could read the session before the flash (or login) is stored.
    const redirect: (status: number, url: string) => void = res.redirect.bind(res);
    res.redirect = (statusOrUrl: number | string, maybeUrl?: string) => {
      const [status, url] = typeof statusOrUrl === 'number' ? [statusOrUrl, maybeUrl ?? '/'] : [302, statusOrUrl];
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
