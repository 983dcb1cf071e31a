import path from 'node:path';
import { z } from 'zod';
import { deriveDevelopmentEmailKeys, parseBlindIndexKey, parseEncryptionKeys, sharesKey, type EmailKeys } from './db/email-crypto.ts';

/**
 * Every environment variable the application reads, validated once. Development needs no
 * variables at all; production refuses to start without the secrets it must not guess.
 */
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

// Web roots (http/https), comma-separated; an empty string means none.
const urlList = (fallback: string) =>
  z
  .string()
  .default(fallback)
  .transform((v) => v.split(',').map((u) => u.trim().replace(/(?<!\/)\/+$/, '')).filter((u) => u !== ''))
  .pipe(z.array(z.url({ protocol: /^https?$/ })));

const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().default('127.0.0.1'),
    PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
    DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL').optional(),
    DATA_DIR: z.string().default('.data'),
    SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    SEED_DEMO_DATA: bool.optional(),
    TRUST_PROXY: z.string().default(''),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
    BADGEAPP_BADGE_CACHE_MAX_AGE: z.coerce.number().int().min(0).default(864000),
    BADGEAPP_BADGE_CACHE_STALE_AGE: z.coerce.number().int().min(0).default(8640000),
    /** The in-process badge cache (src/services/badge-cache.ts); "off" reads every badge from the database (benchmarks). */
    BADGE_CACHE: z.enum(['on', 'off']).default('on'),
    BCRYPT_COST: z.coerce.number().int().min(4).max(15).optional(),
    SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(),
    MAIL_FROM: z.string().min(3).optional(),
    /** Comma-separated keys for signing unsubscribe links; the first signs, all verify (rotation). */
    UNSUBSCRIBE_KEYS: z.string().optional(),
    /** Email addresses at rest: comma-separated id:base64key (32 bytes each); the first encrypts, all decrypt (rotation). */
    EMAIL_ENCRYPTION_KEYS: z.string().optional().transform((v) => (v?.trim() ? v : undefined)),
    /** Key of the blind index used to look addresses up (32 bytes, base64); its own key, not one of the above. */
    EMAIL_BLIND_INDEX_KEY: z.string().optional().transform((v) => (v?.trim() ? v : undefined)),
    UNACTIVATED_USER_DAYS: z.coerce.number().int().min(1).default(7),
    TRANSFER_OFFER_DAYS: z.coerce.number().int().min(1).default(14),
    RATE_RESET_IP_LIMIT: z.coerce.number().int().min(1).default(10),
    GITHUB_CLIENT_ID: z.string().min(1).optional(),
    GITHUB_CLIENT_SECRET: z.string().min(1).optional(),
    /** Web and API roots; change them for GitHub Enterprise (and for tests). */
    GITHUB_BASE_URL: z.url().default('https://github.com'),
    GITHUB_API_URL: z.url().default('https://api.github.com'),
    /** Automation's forges besides GitHub: comma-separated web roots (self-hosted ones too). */
    GITLAB_URL: urlList('https://gitlab.com'),
    GITEA_URL: urlList('https://codeberg.org'),
    /** Comma-separated host:port pairs outbound fetches may reach although they resolve to private addresses. */
    FETCH_ALLOW_HOSTS: z.string().default(''),
    /** Automation runs (reading repositories): on by default; each instance drains the queue this often. */
    AUTOMATION_ENABLED: bool.optional(),
    AUTOMATION_POLL_MS: z.coerce.number().int().min(10).default(1000),
    REMINDER_IDLE_DAYS: z.coerce.number().int().min(1).default(30),
    REMINDER_REPEAT_DAYS: z.coerce.number().int().min(1).default(60),
    MAX_REMINDERS: z.coerce.number().int().min(0).default(2),
    /** Background jobs (pg-boss); off in tests, which call the job functions directly. */
    JOBS_ENABLED: bool.optional(),
    /** How long a stopping server waits for requests in flight before closing their connections. */
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
    RATE_LOGIN_IP_LIMIT: z.coerce.number().int().min(1).default(20),
    RATE_LOGIN_EMAIL_LIMIT: z.coerce.number().int().min(1).default(5),
    RATE_SIGNUP_IP_LIMIT: z.coerce.number().int().min(1).default(20),
    /** Per-address tiers over whole requests; the defaults apply outside tests (see loadConfig). */
    RATE_GLOBAL_IP_LIMIT: z.coerce.number().int().min(1).optional(),
    RATE_GLOBAL_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86400).default(300),
    RATE_PAGE_IP_LIMIT: z.coerce.number().int().min(1).optional(),
    RATE_PAGE_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86400).default(300),
    /** Fastly-compatible purge-by-surrogate-key endpoint, e.g. https://api.fastly.com/service/<id>/purge; purging is off when unset. */
    CDN_PURGE_URL: z.url({ protocol: /^https?$/ }).optional(),
    CDN_API_TOKEN: z.string().min(1).optional(),
    /** The second purge waits out replication lag between the database and the CDN's origin reads. */
    CDN_PURGE_DELAY_SECONDS: z.coerce.number().int().min(0).default(30),
    /** How often each instance looks for due outbox messages (mail, purges). */
    OUTBOX_POLL_MS: z.coerce.number().int().min(10).default(1000),
    OUTBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(8),
    /** Outgoing mail limits per hour: per address, password-reset mail per address, per causing user, and in all. */
    MAIL_LIMIT_RECIPIENT_HOUR: z.coerce.number().int().min(1).default(10),
    MAIL_LIMIT_RESET_HOUR: z.coerce.number().int().min(1).default(3),
    MAIL_LIMIT_SENDER_HOUR: z.coerce.number().int().min(1).default(30),
    MAIL_LIMIT_GLOBAL_HOUR: z.coerce.number().int().min(1).default(2000),
    /** Incident switch: reads keep working, logins, sign-ups and writes are refused (src/http/deny-login.ts). */
    BADGEAPP_DENY_LOGIN: bool.optional(),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.SESSION_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['SESSION_SECRET'], message: 'is required in production' });
    }
    if (env.CDN_PURGE_URL && !env.CDN_API_TOKEN) {
      ctx.addIssue({ code: 'custom', path: ['CDN_API_TOKEN'], message: 'is required when CDN_PURGE_URL is set' });
    }
    if (env.NODE_ENV === 'production' && !env.DATABASE_URL) {
      ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'is required in production' });
    }
    if (env.EMAIL_ENCRYPTION_KEYS !== undefined) {
      const parsed = parseEncryptionKeys(env.EMAIL_ENCRYPTION_KEYS);
      if ('error' in parsed) ctx.addIssue({ code: 'custom', path: ['EMAIL_ENCRYPTION_KEYS'], message: parsed.error });
    } else if (env.NODE_ENV === 'production') {
      ctx.addIssue({ code: 'custom', path: ['EMAIL_ENCRYPTION_KEYS'], message: 'is required in production' });
    }
    if (env.EMAIL_BLIND_INDEX_KEY !== undefined) {
      if (!parseBlindIndexKey(env.EMAIL_BLIND_INDEX_KEY)) ctx.addIssue({ code: 'custom', path: ['EMAIL_BLIND_INDEX_KEY'], message: 'must be 32 bytes in base64 (openssl rand -base64 32)' });
    } else if (env.NODE_ENV === 'production') {
      ctx.addIssue({ code: 'custom', path: ['EMAIL_BLIND_INDEX_KEY'], message: 'is required in production' });
    }
  });

export type Env = z.infer<typeof envSchema>;

export interface Config {
  env: Env['NODE_ENV'];
  isProduction: boolean;
  port: number;
  host: string;
  publicUrl: string;
  databaseUrl: string | undefined;
  dataDir: string;
  sessionSecret: string;
  seedDemoData: boolean;
  /** Express "trust proxy": false, true, a hop count, or addresses/subnets/names. */
  trustProxy: boolean | number | string;
  logLevel: Env['LOG_LEVEL'];
  badgeCache: { maxAge: number; staleAge: number };
  /** BADGE_CACHE: keep project badge values in memory (on) or read each from the database (off). */
  badgeCacheEnabled: boolean;
  bcryptCost: number;
  /** Attempts per window: login 20 s per address and per email, sign-up 10 s per address. */
  rateLimits: {
    loginPerIp: number;
    loginPerEmail: number;
    signupPerIp: number;
    resetPerIp: number;
    /** Every request per address, and per window (ms). */
    globalPerIp: number;
    globalWindowMs: number;
    /** Requests other than badges and static files per address, and per window (ms). */
    pagePerIp: number;
    pageWindowMs: number;
  };
  mail: { smtpUrl: string | undefined; from: string; directory: string };
  unsubscribeKeys: string[];
  /** Email addresses at rest (src/db/email-crypto.ts). */
  emailKeys: EmailKeys;
  unactivatedUserDays: number;
  transferOfferDays: number;
  reminders: { idleDays: number; repeatDays: number; limit: number };
  jobsEnabled: boolean;
  /** SIGTERM/SIGINT: the longest wait for requests in flight, in ms. */
  shutdownTimeoutMs: number;
  /** Purging by surrogate key after every change to public output; null when no CDN is configured. */
  cdn: { purgeUrl: string; apiToken: string; delaySeconds: number } | null;
  outbox: { pollMs: number; maxAttempts: number };
  /** Mails per hour. */
  mailLimits: { perRecipient: number; resetPerAddress: number; perSender: number; global: number };
  /** GitHub login is offered only when both client id and secret are configured. */
  github: { clientId: string; clientSecret: string; baseUrl: string; apiUrl: string } | null;
  /** BADGEAPP_DENY_LOGIN: the site is read-only, nobody can log in or sign up. */
  denyLogin: boolean;
  /** Forges automation reads repositories from (GitHub's roots also serve GitHub login). */
  forges: { github: { baseUrl: string; apiUrl: string }; gitlab: readonly string[]; gitea: readonly string[] };
  /** Outbound fetches (src/services/forges/fetch.ts): lower-case host:port pairs exempt from the address check. */
  fetchAllowHosts: readonly string[];
  automation: { enabled: boolean; pollMs: number };
}

export class ConfigError extends Error {}

// Express reads a string as a list of addresses, so "1" or "true" must become a number/boolean.
function parseTrustProxy(value: string): boolean | number | string {
  const v = value.trim();
  if (v === '' || v === 'false') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) return Number(v);
  return v;
}

// A fixed development secret keeps sessions across restarts; production must set its own.
function sessionSecretFor(env: Env): string {
  return env.SESSION_SECRET ?? 'development-only-session-secret-change-me!';
}

// Outside production a missing key is derived from the session secret (development-only keys);
// the schema has already refused malformed values and missing production keys.
function emailKeysFor(env: Env): EmailKeys {
  const derived = deriveDevelopmentEmailKeys(sessionSecretFor(env));
  const parsed = env.EMAIL_ENCRYPTION_KEYS === undefined ? null : parseEncryptionKeys(env.EMAIL_ENCRYPTION_KEYS);
  const keys: EmailKeys = {
    encryption: parsed && 'keys' in parsed ? parsed.keys : derived.encryption,
    blindIndex: (env.EMAIL_BLIND_INDEX_KEY === undefined ? null : parseBlindIndexKey(env.EMAIL_BLIND_INDEX_KEY)) ?? derived.blindIndex,
  };
  if (sharesKey(keys)) throw new ConfigError('Invalid environment configuration:\n  EMAIL_BLIND_INDEX_KEY: must differ from every key in EMAIL_ENCRYPTION_KEYS');
  return keys;
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid environment configuration:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  const isProduction = env.NODE_ENV === 'production';
  return Object.freeze({
    env: env.NODE_ENV,
    isProduction,
    port: env.PORT,
    host: env.HOST,
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/(?<!\/)\/+$/, ''),
    databaseUrl: env.DATABASE_URL,
    dataDir: path.resolve(env.DATA_DIR),
    sessionSecret: sessionSecretFor(env),
    seedDemoData: env.SEED_DEMO_DATA ?? env.NODE_ENV === 'development',
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    logLevel: env.LOG_LEVEL,
    badgeCache: {
      maxAge: env.BADGEAPP_BADGE_CACHE_MAX_AGE,
      // A CDN should keep serving a stale badge for at least twice the normal lifetime.
      staleAge: Math.max(env.BADGEAPP_BADGE_CACHE_STALE_AGE, 2 * env.BADGEAPP_BADGE_CACHE_MAX_AGE),
    },
    badgeCacheEnabled: env.BADGE_CACHE === 'on',
    bcryptCost: env.BCRYPT_COST ?? (env.NODE_ENV === 'test' ? 4 : 12),
    rateLimits: {
      loginPerIp: env.RATE_LOGIN_IP_LIMIT,
      loginPerEmail: env.RATE_LOGIN_EMAIL_LIMIT,
      signupPerIp: env.RATE_SIGNUP_IP_LIMIT,
      resetPerIp: env.RATE_RESET_IP_LIMIT,
      // Test runs (integration and e2e) send hundreds of requests from one address in seconds.
      globalPerIp: env.RATE_GLOBAL_IP_LIMIT ?? (env.NODE_ENV === 'test' ? 1_000_000 : 3000),
      globalWindowMs: env.RATE_GLOBAL_WINDOW_SECONDS * 1000,
      pagePerIp: env.RATE_PAGE_IP_LIMIT ?? (env.NODE_ENV === 'test' ? 1_000_000 : 300),
      pageWindowMs: env.RATE_PAGE_WINDOW_SECONDS * 1000,
    },
    mail: {
      smtpUrl: env.SMTP_URL,
      from: env.MAIL_FROM ?? `BadgeApp <badgeapp@${new URL(env.PUBLIC_URL ?? 'http://localhost').hostname}>`,
      // Without SMTP, messages are written here as .eml files (development).
      directory: path.resolve(env.DATA_DIR, 'mail'),
    },
    unsubscribeKeys: (env.UNSUBSCRIBE_KEYS ?? sessionSecretFor(env))
      .split(',')
      .map((k) => k.trim())
      .filter((k) => k.length > 0),
    emailKeys: emailKeysFor(env),
    unactivatedUserDays: env.UNACTIVATED_USER_DAYS,
    transferOfferDays: env.TRANSFER_OFFER_DAYS,
    reminders: { idleDays: env.REMINDER_IDLE_DAYS, repeatDays: env.REMINDER_REPEAT_DAYS, limit: env.MAX_REMINDERS },
    jobsEnabled: env.JOBS_ENABLED ?? env.NODE_ENV !== 'test',
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    cdn: env.CDN_PURGE_URL && env.CDN_API_TOKEN ? { purgeUrl: env.CDN_PURGE_URL, apiToken: env.CDN_API_TOKEN, delaySeconds: env.CDN_PURGE_DELAY_SECONDS } : null,
    outbox: { pollMs: env.OUTBOX_POLL_MS, maxAttempts: env.OUTBOX_MAX_ATTEMPTS },
    mailLimits: { perRecipient: env.MAIL_LIMIT_RECIPIENT_HOUR, resetPerAddress: env.MAIL_LIMIT_RESET_HOUR, perSender: env.MAIL_LIMIT_SENDER_HOUR, global: env.MAIL_LIMIT_GLOBAL_HOUR },
    github:
      env.GITHUB_CLIENT_ID && env.GITHUB_CLIENT_SECRET
        ? {
            clientId: env.GITHUB_CLIENT_ID,
            clientSecret: env.GITHUB_CLIENT_SECRET,
            baseUrl: env.GITHUB_BASE_URL.replace(/(?<!\/)\/+$/, ''),
            apiUrl: env.GITHUB_API_URL.replace(/(?<!\/)\/+$/, ''),
          }
        : null,
    denyLogin: env.BADGEAPP_DENY_LOGIN ?? false,
    forges: {
      github: { baseUrl: env.GITHUB_BASE_URL.replace(/(?<!\/)\/+$/, ''), apiUrl: env.GITHUB_API_URL.replace(/(?<!\/)\/+$/, '') },
      gitlab: env.GITLAB_URL,
      gitea: env.GITEA_URL,
    },
    fetchAllowHosts: env.FETCH_ALLOW_HOSTS.split(',')
      .map((h) => h.trim().toLowerCase())
      .filter((h) => h !== ''),
    automation: { enabled: env.AUTOMATION_ENABLED ?? true, pollMs: env.AUTOMATION_POLL_MS },
  });
}
