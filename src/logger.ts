/**
 * Minimal structured logger: one JSON object per line on stdout/stderr, which every log
 * shipper understands. Callers must never pass email addresses or secrets.
 */
const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
export type LogLevel = keyof typeof LEVELS;

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export function createLogger(level: LogLevel): Logger {
  const threshold = LEVELS[level];
  const write = (name: Exclude<LogLevel, 'silent'>) => (msg: string, fields: Record<string, unknown> = {}) => {
    if (LEVELS[name] < threshold) return;
    const line = JSON.stringify({ time: new Date().toISOString(), level: name, msg, ...fields });
    (name === 'error' || name === 'warn' ? process.stderr : process.stdout).write(`${line}\n`);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

const EMAIL_LIKE = /[^\s<>"'@]+@[^\s<>"'@]+\.[^\s<>"'@]+/g;

/**
 * Error text safe for logs: SMTP servers and libraries often quote the recipient's address in
 * their messages, and addresses must never reach the logs.
 */
export function redactedError(err: unknown, options: { stack?: boolean } = {}): string {
  const text = err instanceof Error ? ((options.stack ? err.stack : undefined) ?? err.message) : String(err);
  return text.replace(EMAIL_LIKE, '[address]').slice(0, options.stack ? 8000 : 500);
}
