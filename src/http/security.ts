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
      referrerPolicy: { policy: 'no-referrer-when-downgrade' },
      crossOriginEmbedderPolicy: false,
      // Badges are embedded as images by other sites (READMEs, dashboards).
      crossOriginResourcePolicy: { policy: 'cross-origin' },
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
