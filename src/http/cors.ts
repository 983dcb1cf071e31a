import type { RequestHandler } from 'express';

/**
 * Public read-only resources other sites may fetch from browsers: project JSON (one and the
 * list), badges, static badges and the OpenAPI document. Anything else (HTML pages, forms, every mutating route) gets
 * no CORS headers at all, so browsers keep enforcing the same-origin policy there.
 */
const SHARED = [
  /^\/projects\.json$/,
  /^\/projects\/[^/]+\.json$/,
  /^\/projects\/[^/]+\/(?:badge|baseline)(?:\.svg|\.json)?$/,
  /^\/projects\/[^/]+\/(?:bestpractices\.json|security-insights\.yml)$/,
  /^\/badge_static\/[^/]+$/,
  /^\/openapi\.json$/,
];

const HEADER_LIST = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+(?:\s*,\s*[A-Za-z0-9!#$%&'*+.^_`|~-]+)*$/;

export const isCorsShared = (path: string): boolean => SHARED.some((re) => re.test(path));

/**
 * `Access-Control-Allow-Origin: *` without credentials (a `*` origin can never carry cookies), and
 * `Cross-Origin-Resource-Policy: cross-origin`.
 * GET/HEAD get the header and pass on; an OPTIONS preflight is answered here with 204.
 */
export const publicCors: RequestHandler = (req, res, next) => {
  if (!isCorsShared(req.path)) {
    next();
    return;
  }
  // Embeddable by any site (an <img> badge loads without CORS); everything else keeps helmet's same-origin.
  res.set('Cross-Origin-Resource-Policy', 'cross-origin');
  if (req.method === 'GET' || req.method === 'HEAD') {
    res.set('Access-Control-Allow-Origin', '*');
    next();
    return;
  }
  if (req.method === 'OPTIONS') {
    res.set('Access-Control-Allow-Origin', '*');
    res.set('Access-Control-Allow-Methods', 'GET, OPTIONS');
    const requested = req.get('Access-Control-Request-Headers');
    // Any request header is allowed; the list is echoed only when it is a well-formed header list.
    res.set('Access-Control-Allow-Headers', requested && HEADER_LIST.test(requested.trim()) ? requested.trim() : '*');
    res.set('Access-Control-Max-Age', '86400');
    res.vary('Access-Control-Request-Headers');
    res.status(204).end();
    return;
  }
  next();
};
