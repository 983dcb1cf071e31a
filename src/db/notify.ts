import pg from 'pg';

/**
 * A dedicated connection that LISTENs on one PostgreSQL channel, for in-process caches that
 * other instances must be able to invalidate. It cannot come from the pool: a pooled connection
 * is handed to other queries and LISTEN belongs to the session that ran it.
 *
 * Notifications sent while this connection is down are lost for good, so the owner is told
 * twice: `lost()` as soon as the connection fails (stop trusting what was cached) and
 * `listening()` once LISTEN runs again on a fresh connection (everything cached before that
 * moment must be dropped; only what is read afterwards is safe to keep).
 */
export interface ChannelHandlers {
  message(payload: string): void;
  listening(): void;
  lost(error: unknown): void;
}

export interface ChannelListener {
  /** True between a successful LISTEN and the next failure. */
  readonly active: boolean;
  close(): Promise<void>;
}

export interface ListenOptions {
  /** First delay before reconnecting; doubled after each failed attempt up to maxRetryMs. */
  retryMs?: number;
  maxRetryMs?: number;
}

/** Channel names are our own constants; quoting keeps LISTEN safe even so. */
function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function listenOnChannel(url: string, channel: string, handlers: ChannelHandlers, options: ListenOptions = {}): ChannelListener {
  const firstRetry = options.retryMs ?? 100;
  const maxRetry = options.maxRetryMs ?? 5_000;
  let retry = firstRetry;
  let client: pg.Client | null = null;
  let active = false;
  const state = { closed: false };
  let timer: NodeJS.Timeout | null = null;

  // A function, so that TypeScript does not assume the client is still the one it assigned.
  const isCurrent = (c: pg.Client) => client === c;
  const isClosed = () => state.closed;

  const schedule = () => {
    if (state.closed || timer) return;
    timer = setTimeout(() => {
      timer = null;
      void connect();
    }, retry);
    // A process that is otherwise done must not stay alive only to reconnect.
    timer.unref();
    retry = Math.min(retry * 2, maxRetry);
  };

  const fail = (current: pg.Client, error: unknown) => {
    // 'error' and 'end' both arrive for one failure; only the current client's first one counts.
    if (client !== current) return;
    client = null;
    const wasActive = active;
    active = false;
    current.removeAllListeners('notification');
    current.on('error', () => undefined);
    void current.end().catch(() => undefined);
    if (wasActive) handlers.lost(error);
    schedule();
  };

  const connect = async () => {
    if (state.closed) return;
    // keepAlive: a peer that vanished without closing the socket is noticed, not waited on forever.
    const current = new pg.Client({ connectionString: url, keepAlive: true, connectionTimeoutMillis: 5_000 });
    client = current;
    current.on('notification', (n) => {
      if (n.channel === channel) handlers.message(n.payload ?? '');
    });
    current.on('error', (err) => {
      fail(current, err);
    });
    current.on('end', () => {
      fail(current, new Error('notification connection ended'));
    });
    try {
      await current.connect();
      await current.query(`LISTEN ${quoteIdentifier(channel)}`);
    } catch (err) {
      fail(current, err);
      return;
    }
    if (isClosed() || !isCurrent(current)) {
      await current.end().catch(() => undefined);
      return;
    }
    active = true;
    retry = firstRetry;
    handlers.listening();
  };

  void connect();

  return {
    get active() {
      return active;
    },
    async close() {
      state.closed = true;
      active = false;
      if (timer) clearTimeout(timer);
      timer = null;
      const current = client;
      client = null;
      if (current) {
        current.removeAllListeners('notification');
        current.on('error', () => undefined);
        await current.end().catch(() => undefined);
      }
    },
  };
}
