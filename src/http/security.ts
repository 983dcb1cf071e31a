import helmet from 'helmet';
import type { RequestHandler } from 'express';
import type { Config } from '../config.ts';

/** Headers on every response; the CSP forbids inline script and style, so views never use them. */
export function securityHeaders(config: Readonly<Config>): RequestHandler[] {
  return [
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          imgSrc: ["'self'"],
          objectSrc: ["'none'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          baseUri: ["'self'"],
          frameAncestors: ["'none'"],
          // The GitHub login form posts here and is redirected on to GitHub's authorize page.
          formAction: ["'self'", ...(config.github ? [new URL(config.github.baseUrl).origin] : [])],
        },
      },
      strictTransportSecurity: config.isProduction ? { maxAge: 631139040, includeSubDomains: true, preload: true } : false,
      frameguard: { action: 'deny' },
      // Other sites learn at most the origin; pages whose URL holds a token send no-referrer themselves.
      referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
      crossOriginEmbedderPolicy: false,
      // Pages and forms stay same-origin; publicCors (src/http/cors.ts) opens the badges and
      // public JSON that other sites embed (READMEs, dashboards).
      crossOriginResourcePolicy: { policy: 'same-origin' },
    }),
    (_req, res, next) => {
      res.set(
        'Permissions-Policy',
        'fullscreen=(), geolocation=(), midi=(), notifications=(), push=(), sync-xhr=(), microphone=(), camera=(), magnetometer=(), gyroscope=(), speaker=(), vibrate=(), payment=()',
      );
      next();
    },
  ];
}
