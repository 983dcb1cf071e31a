import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import express, { type RequestHandler } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import { clientAddressFrom, createBadgeFastPath, createBadgeThrottle, type FastPathHeaders } from './http/badge-fast-path.ts';
import { createBadgeCache } from './services/badge-cache.ts';
import { configurePassport } from './http/auth.ts';
import { jsonFieldLimit, MAX_BODY_FIELDS } from './http/body-limits.ts';
import { verifyFormBody, verifyJsonBody } from './http/body-verify.ts';
import { useGithubStrategy } from './http/github-auth.ts';
import { noCookieOnSharedCache, privateNoStore } from './http/cache.ts';
import { createCsrf } from './http/csrf.ts';
import { denyLogin } from './http/deny-login.ts';
import { localePrefix } from './http/locale-prefix.ts';
import { DEFAULT_LOCALE, negotiateLocale } from './i18n.ts';
import { isDatabaseUnavailable } from './db/errors.ts';
import { errorHandler, notFoundHandler } from './http/errors.ts';
import { healthCheck } from './http/health.ts';
import { requestLog } from './http/request-log.ts';
import { publicCors } from './http/cors.ts';
import { createRateLimits } from './http/rate-limit.ts';
import { securityHeaders } from './http/security.ts';
import { sessionMiddleware } from './http/session.ts';
import { localeMiddleware, sessionLocals } from './http/view-locals.ts';
import type { ServiceContext } from './services/context.ts';
import { routeContext } from './services/index.ts';
import { htmlRoutes, publicRoutes, signedRoutes } from './routes/index.ts';
import { projectRoot } from './paths.ts';

const root = projectRoot;

/**
 * "/projects/1/" -> 301 "/projects/1". The target must stay a local path: browsers read both "//"
 * and "/\" at the start of a Location as another host, so leading slashes and backslashes are
 * collapsed into one "/" and any other backslash is percent-encoded.
 */
function localTarget(path: string): string {
  let start = 0;
  while (start < path.length && (path[start] === '/' || path[start] === '\\')) start++;
  let end = path.length;
  while (end > start && path[end - 1] === '/') end--;
  return `/${path.slice(start, end).replaceAll('\\', '%5C')}`;
}

const stripTrailingSlash: RequestHandler = (req, res, next) => {
  if (req.path.length > 1 && req.path.endsWith('/')) {
    const query = req.originalUrl.slice(req.originalUrl.indexOf('?') >= 0 ? req.originalUrl.indexOf('?') : req.originalUrl.length);
    const target = localTarget(req.path);
    res.redirect(301, target + query);
    return;
  }
  next();
};

/**
 * The headers the security middleware puts on every response, recorded once by running it
 * against a stand-in response, so the badge fast path sends exactly what Express would.
 */
function recordedSecurityHeaders(handlers: RequestHandler[]): FastPathHeaders {
  const headers = new Map<string, [string, string]>();
  const put = (name: string, value: unknown) => {
    headers.set(name.toLowerCase(), [name, Array.isArray(value) ? value.join(', ') : String(value)]);
  };
  const res = {
    setHeader: put,
    set: put,
    removeHeader: (name: string) => headers.delete(name.toLowerCase()),
    getHeader: (name: string) => headers.get(name.toLowerCase())?.[1],
  };
  for (const handler of handlers) {
    const call = { passed: false };
    (handler as unknown as (req: unknown, res: unknown, next: () => void) => void)({ method: 'GET', headers: {} }, res, () => (call.passed = true));
    if (!call.passed) throw new Error('security headers middleware did not pass the request on synchronously');
  }
  return { security: [...headers.values()] };
}

/** Builds the Express application (no listening: see server.ts). */
export function createApp(ctx: ServiceContext): express.Express {
  // Routers and HTTP middleware get the bound use-cases; only this entry layer sees the database.
  const routes = routeContext(ctx);
  const app = express();
  app.disable('x-powered-by');
  app.set('views', path.join(root, 'views'));
  app.set('view engine', 'pug');
  // Compiling a template costs far more than rendering it (most of the CPU of an uncached page),
  // so every mode compiles each template once; edits to views need a restart.
  app.set('view cache', true);
  app.set('trust proxy', ctx.config.trustProxy);
  app.locals.basedir = path.join(root, 'views');

  // First, so that every line logged while a request runs (and its access line) carries its id.
  app.use(requestLog(ctx.logger));
  app.use(securityHeaders(ctx.config));
  // Counters live in the database so that every instance enforces one shared allowance.
  const limits = createRateLimits(ctx.config, { counter: ctx.db.rateLimits, logger: ctx.logger, locals: localeMiddleware(ctx.i18n) });
  app.use(limits.global);
  app.use(stripTrailingSlash);
  // No directory redirect: "/css" -> "/css/" would meet stripTrailingSlash and loop.
  app.use(express.static(path.join(root, 'public'), { index: false, redirect: false, maxAge: '1h' }));
  // After static files: a directory request rewritten to '/' would make serve-static redirect.
  app.use(localePrefix);
  app.use(privateNoStore);
  app.use(noCookieOnSharedCache);
  app.use(localeMiddleware(ctx.i18n));
  app.use(limits.pages);
  // Incident switch: before the session and every write route, so a refused request stores nothing.
  app.use(denyLogin(ctx.config));

  app.get('/healthz', healthCheck(ctx.db.pool));

  // CORS only for the public read-only resources (src/http/cors.ts); answers their preflights.
  app.use(publicCors);
  for (const router of publicRoutes(routes)) app.use(router);

  const auth = configurePassport(routes);
  useGithubStrategy(routes, auth);
  // One field limit for forms and JSON (src/http/body-limits.ts).
  // Bytes that are not UTF-8 are refused (400) instead of becoming U+FFFD (src/http/body-verify.ts).
  app.use(express.urlencoded({ extended: false, limit: '256kb', parameterLimit: MAX_BODY_FIELDS, verify: verifyFormBody }));
  app.use(express.json({ limit: '256kb', verify: verifyJsonBody }));
  app.use(jsonFieldLimit);
  for (const router of signedRoutes(routes)) app.use(router);
  app.use(sessionMiddleware(ctx.config, ctx.db.pool));
  app.use(auth.initialize());
  app.use(auth.session());
  const csrf = createCsrf(ctx.config);
  app.use(csrf.protection);
  app.use(sessionLocals(ctx.config, csrf));
  for (const router of htmlRoutes(routes, auth, limits)) app.use(router);

  app.use(notFoundHandler);
  app.use(errorHandler(ctx.logger, isDatabaseUnavailable));

  // Badges answer before Express does anything (src/http/badge-fast-path.ts); every other
  // request, and every badge request the fast path does not answer itself, goes on to Express.
  const trust = app.get('trust proxy fn') as (address: string, hop: number) => boolean;
  const address = clientAddressFrom(trust);
  const fastPath = createBadgeFastPath({
    config: ctx.config,
    cache: createBadgeCache(ctx),
    logger: ctx.logger,
    headers: recordedSecurityHeaders(securityHeaders(ctx.config)),
    throttle: createBadgeThrottle({ limit: ctx.config.rateLimits.globalPerIp, windowMs: ctx.config.rateLimits.globalWindowMs }),
    // Keyed like the request-wide limiter: IPv6 clients by their /56.
    clientAddress: (req) => ipKeyGenerator(address(req)),
    throttledMessage: (req) => ctx.i18n.t('errors.http.rate_limited_requests', { lng: negotiateLocale(req.headers['accept-language']) ?? DEFAULT_LOCALE }),
  });
  // Every request reaches Express through app.handle (the app function itself only calls it), for
  // the server of server.ts and for supertest alike: wrapping it puts the fast path in front of
  // all of Express's own work (request/response prototypes, router) with no change elsewhere.
  const handle = (app as unknown as { handle: (req: IncomingMessage, res: ServerResponse, done?: unknown) => void }).handle.bind(app);
  (app as unknown as { handle: typeof handle }).handle = (req, res, done) => {
    fastPath(req, res, () => {
      handle(req, res, done);
    });
  };
  return app;
}
