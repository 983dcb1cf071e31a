import { rateLimit, type RateLimitRequestHandler } from 'express-rate-limit';
import type { Config } from '../config.ts';
import { HttpError, sendError } from './errors.ts';

/**
 * Throttles for the endpoints that guess passwords or create accounts. Counters live in memory:
 * enough for one instance; several instances behind a balancer would each count separately.
 */
function limiter(windowMs: number, limit: number, keyGenerator?: (req: Parameters<RateLimitRequestHandler>[0]) => string): RateLimitRequestHandler {
  return rateLimit({
    windowMs,
    limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    ...(keyGenerator ? { keyGenerator } : {}),
    handler: (req, res) => {
      sendError(req, res, new HttpError(429, 'rate_limited', 'Too many attempts. Please wait a moment and try again.'));
    },
  });
}

function submittedEmail(req: Parameters<RateLimitRequestHandler>[0]): string {
  const body: unknown = req.body;
  const email = body && typeof body === 'object' && 'email' in body ? body.email : undefined;
  return typeof email === 'string' ? email.trim().toLowerCase().slice(0, 254) : '';
}

export function rateLimiters(config: Readonly<Config>) {
  const { loginPerIp, loginPerEmail, signupPerIp, resetPerIp } = config.rateLimits;
  return {
    /** Per client address and, separately, per target account (spreading guesses over IPs does not help). */
    login: [limiter(20_000, loginPerIp), limiter(20_000, loginPerEmail, (req) => `email:${submittedEmail(req)}`)],
    signup: [limiter(10_000, signupPerIp)],
    /** Password reset and activation resend requests: they send mail. */
    reset: [limiter(60_000, resetPerIp)],
  };
}
