import { createHash } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import {
  rateLimit,
  type ClientRateLimitInfo,
  type Logger as LimiterLogger,
  type Options,
  type RateLimitRequestHandler,
  type Store,
} from 'express-rate-limit';
import type { TFunction } from 'i18next';
import type { Config } from '../config.ts';
import { redactedError, type Logger } from '../logger.ts';
import { HttpError, sendError } from './errors.ts';

/**
 * Hit counters shared by every instance of the application (the entry layer passes the
 * database implementation), so a client cannot multiply its allowance by the number of
 * instances behind the balancer.
 */
export interface RateLimitCounter {
  /** Counts one hit; the first hit after the window has ended starts a new window of windowMs. */
  hit(key: string, windowMs: number): Promise<{ hits: number; resetAt: Date }>;
  undo(key: string): Promise<void>;
  reset(key: string): Promise<void>;
  get(key: string): Promise<{ hits: number; resetAt: Date } | null>;
}

/** Marks failures already reported by the store, so the limiter's own logging stays quiet. */
class CounterUnavailable extends Error {}

/** One outage is reported once, by whichever limiter notices it first. */
interface CounterHealth {
  failing: boolean;
  logger: Logger;
}

class CounterStore implements Store {
  readonly localKeys = false;
  readonly prefix: string;
  private readonly counter: RateLimitCounter;
  private readonly health: CounterHealth;
  private windowMs = 60_000;

  constructor(counter: RateLimitCounter, prefix: string, health: CounterHealth) {
    this.counter = counter;
    this.prefix = prefix;
    this.health = health;
  }

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    try {
      const { hits, resetAt } = await this.counter.hit(this.prefix + key, this.windowMs);
      if (this.health.failing) {
        this.health.failing = false;
        this.health.logger.info('rate-limit counters reachable again');
      }
      return { totalHits: hits, resetTime: resetAt };
    } catch (err) {
      if (!this.health.failing) {
        this.health.failing = true;
        this.health.logger.warn('rate-limit counters unavailable; requests pass uncounted until they return', { error: redactedError(err) });
      }
      throw new CounterUnavailable('rate-limit counters unavailable', { cause: err });
    }
  }

  async decrement(key: string): Promise<void> {
    await this.counter.undo(this.prefix + key);
  }

  async resetKey(key: string): Promise<void> {
    await this.counter.reset(this.prefix + key);
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const count = await this.counter.get(this.prefix + key);
    return count ? { totalHits: count.hits, resetTime: count.resetAt } : undefined;
  }
}

function limiterLogger(logger: Logger): LimiterLogger {
  return {
    warn: (error) => {
      logger.warn('rate limiter warning', { error: redactedError(error) });
    },
    error: (error) => {
      if (error instanceof CounterUnavailable) return;
      logger.error('rate limiter error', { error: redactedError(error) });
    },
  };
}

interface LimiterSpec {
  name: string;
  windowMs: number;
  limit: number;
  /** Message key under errors.http. */
  code: 'rate_limited' | 'rate_limited_requests';
  keyGenerator?: (req: Request) => string;
  skip?: (req: Request) => boolean;
}

interface Backing {
  counter: RateLimitCounter;
  health: CounterHealth;
  /**
   * Sets the view locals (t) the 429 page needs; the request-wide tier runs before the app has
   * set them.
   */
  locals: RequestHandler;
}

function limiter(spec: LimiterSpec, backing: Backing): RateLimitRequestHandler {
  const send = (req: Request, res: Parameters<RequestHandler>[1]) => {
    const t = res.locals.t as TFunction | undefined;
    sendError(req, res, new HttpError(429, spec.code, t ? t(`errors.http.${spec.code}`) : spec.code));
  };
  return rateLimit({
    windowMs: spec.windowMs,
    limit: spec.limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    ...(spec.keyGenerator ? { keyGenerator: spec.keyGenerator } : {}),
    ...(spec.skip ? { skip: spec.skip } : {}),
    store: new CounterStore(backing.counter, `${spec.name}:`, backing.health),
    // An unreachable database must not turn every request into an error page.
    passOnStoreError: true,
    logger: limiterLogger(backing.health.logger),
    handler: (req, res) => {
      if (res.locals.t !== undefined) {
        send(req, res);
        return;
      }
      backing.locals(req, res, () => {
        send(req, res);
      });
    },
  });
}

/** Stored as a digest: the counters table should not become a list of login addresses. */
function submittedEmail(req: Request): string {
  const body: unknown = req.body;
  const email = body && typeof body === 'object' && 'email' in body ? body.email : undefined;
  const normalised = typeof email === 'string' ? email.trim().toLowerCase().slice(0, 254) : '';
  return createHash('sha256').update(normalised).digest('base64url');
}

/** Badge images and badge JSON are fetched by READMEs everywhere; only the request-wide tier counts them. */
const BADGE_PATH = /^\/(?:projects\/[^/]+\/(?:badge|baseline)(?:\.svg|\.json)?|badge_static\/[^/]*)$/;

export function isBadgeRequest(req: Pick<Request, 'path'>): boolean {
  return BADGE_PATH.test(req.path);
}

export interface RouteLimits {
  /** Per client address and, separately, per target account (spreading guesses over addresses does not help). */
  login: RequestHandler[];
  signup: RequestHandler[];
  /** Password reset and activation resend requests: they send mail. */
  reset: RequestHandler[];
}

export interface RateLimits extends RouteLimits {
  /** Every request, per client address: mount first. */
  global: RequestHandler;
  /** Every request except badges, per client address: mount after static files. */
  pages: RequestHandler;
}

function routeLimits(config: Readonly<Config>, backing: Backing): RouteLimits {
  const { loginPerIp, loginPerEmail, signupPerIp, resetPerIp } = config.rateLimits;
  return {
    login: [
      limiter({ name: 'login-ip', windowMs: 20_000, limit: loginPerIp, code: 'rate_limited' }, backing),
      limiter({ name: 'login-email', windowMs: 20_000, limit: loginPerEmail, code: 'rate_limited', keyGenerator: submittedEmail }, backing),
    ],
    signup: [limiter({ name: 'signup-ip', windowMs: 10_000, limit: signupPerIp, code: 'rate_limited' }, backing)],
    reset: [limiter({ name: 'reset-ip', windowMs: 60_000, limit: resetPerIp, code: 'rate_limited' }, backing)],
  };
}

/**
 * Every limiter of one app instance, counting in the shared counters. The client address is
 * req.ip, which Express derives from X-Forwarded-For only as far as TRUST_PROXY allows.
 */
export function createRateLimits(
  config: Readonly<Config>,
  deps: { counter: RateLimitCounter; logger: Logger; locals: RequestHandler },
): RateLimits {
  const backing: Backing = { counter: deps.counter, health: { failing: false, logger: deps.logger }, locals: deps.locals };
  const { globalPerIp, globalWindowMs, pagePerIp, pageWindowMs } = config.rateLimits;
  return {
    global: limiter({ name: 'global-ip', windowMs: globalWindowMs, limit: globalPerIp, code: 'rate_limited_requests' }, backing),
    pages: limiter({ name: 'page-ip', windowMs: pageWindowMs, limit: pagePerIp, code: 'rate_limited_requests', skip: isBadgeRequest }, backing),
    ...routeLimits(config, backing),
  };
}
