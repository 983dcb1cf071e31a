import { describe, expect, it } from 'vitest';
import { createLogger, redactedError } from '../../src/logger.ts';
import { currentRequestId, runWithRequestId } from '../../src/request-context.ts';

function capture(level: Parameters<typeof createLogger>[0] = 'debug') {
  const lines: string[] = [];
  const logger = createLogger(level, { destination: { write: (line) => lines.push(line) } });
  return { logger, lines, parsed: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('createLogger', () => {
  it('writes one JSON line with time, level, message and fields', () => {
    const { logger, parsed } = capture();
    logger.info('listening', { port: 3000 });
    const [line] = parsed();
    expect(line).toMatchObject({ level: 'info', msg: 'listening', port: 3000 });
    expect(new Date(String(line?.time)).toISOString()).toBe(line?.time);
  });

  it('honours the level', () => {
    const { logger, lines } = capture('warn');
    logger.info('quiet');
    logger.warn('loud');
    expect(lines).toHaveLength(1);
    const silent = capture('silent');
    silent.logger.error('nothing');
    expect(silent.lines).toHaveLength(0);
  });

  it('redacts secrets by key at any depth', () => {
    const { logger, lines, parsed } = capture();
    logger.info('request', {
      password: 'hunter2-password',
      body: { _csrf: 'csrf-value-123', user: { token: 'deep-token-value', passwordConfirmation: 'hunter2-again' } },
      req: { headers: { cookie: 'session=cookie-value', authorization: 'Bearer header-token-value', 'x-csrf-token': 'header-csrf' } },
      res: { headers: { 'set-cookie': ['badgeapp_session=set-cookie-value'] } },
      list: [{ secret: 'in-an-array' }],
      tokensDeleted: 3,
    });
    const text = lines.join('');
    for (const secret of ['hunter2', 'csrf-value-123', 'deep-token-value', 'cookie-value', 'header-token-value', 'header-csrf', 'set-cookie-value', 'in-an-array']) {
      expect(text).not.toContain(secret);
    }
    expect(parsed()[0]).toMatchObject({ password: '[redacted]', tokensDeleted: 3, req: { headers: { cookie: '[redacted]' } } });
  });

  it('scrubs addresses, bearer tokens, secret parameters and mail-link tokens from every string', () => {
    const { logger, lines } = capture();
    logger.warn('mail to someone@example.org failed', {
      error: 'SMTP 550 <Someone.Else+tag@mail.example.com> rejected',
      nested: { url: '/password_resets/AbCdEf0123456789xyz?token=query-secret-value&page=2', encoded: '/users/someone%40example.org' },
      header: 'Bearer abcdefghijklmnop',
      err: new Error('duplicate key for other@example.net'),
    });
    const text = lines.join('');
    for (const secret of ['someone@example.org', 'Someone.Else', 'AbCdEf0123456789xyz', 'query-secret-value', 'someone%40example.org', 'abcdefghijklmnop', 'other@example.net']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('[address]');
    expect(text).toContain('/password_resets/[redacted]');
    expect(text).toContain('page=2');
  });

  it('keeps route patterns readable', () => {
    const { logger, parsed } = capture();
    logger.info('request', { route: '/password_resets/:token' });
    logger.info('request', { route: '/password_resets/new' });
    expect(parsed().map((line) => line.route)).toEqual(['/password_resets/:token', '/password_resets/new']);
  });

  it('adds the current request id to every line written while it runs', async () => {
    const { logger, parsed } = capture();
    logger.info('outside');
    await runWithRequestId('req-1', async () => {
      logger.info('inside');
      await new Promise((resolve) => setTimeout(resolve, 1));
      expect(currentRequestId()).toBe('req-1');
      logger.info('after await');
    });
    runWithRequestId('not a safe id!', () => {
      logger.info('unsafe id');
    });
    expect(parsed().map((line) => [line.msg, line.requestId])).toEqual([
      ['outside', undefined],
      ['inside', 'req-1'],
      ['after await', 'req-1'],
      ['unsafe id', undefined],
    ]);
  });
});

describe('redactedError', () => {
  it('removes addresses from messages and stacks', () => {
    expect(redactedError(new Error('no such user a.b@example.org'))).toBe('no such user [address]');
    expect(redactedError(new Error('x@example.org'), { stack: true })).not.toContain('x@example.org');
  });
});
