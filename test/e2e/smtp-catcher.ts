import http from 'node:http';
import { SMTPServer } from 'smtp-server';
import { decodeQuotedPrintable } from '../support/smtp.ts';
import { SMTP_CATCHER_HOST, SMTP_CATCHER_HTTP_PORT, SMTP_CATCHER_SMTP_PORT } from './ports.ts';

/**
 * The end-to-end tests' mail server: a real SMTP server the app delivers to (SMTP_URL), and a
 * small HTTP API the tests read the mail back from. Started by playwright.config.ts before the
 * app; it keeps every message in memory until it stops.
 *
 *   GET /messages[?to=<address>]  JSON array of {to, subject, text}, oldest first; `to` lists
 *                                 the envelope recipients, `text` is the decoded plain-text body
 *   GET /healthz                  200 once both servers listen
 */

export interface StoredMail {
  to: string[];
  subject: string;
  text: string;
}

const MAX_MESSAGE_BYTES = 1024 * 1024;
const messages: StoredMail[] = [];

interface Part {
  headers: Map<string, string>;
  body: string;
}

/** Splits a message (or MIME part) into unfolded, lower-cased headers and its raw body. */
function parsePart(raw: string): Part {
  const match = /\r?\n\r?\n/.exec(raw);
  const head = match ? raw.slice(0, match.index) : raw;
  const body = match ? raw.slice(match.index + match[0].length) : '';
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body };
}

/** RFC 2047 encoded words (=?utf-8?Q?...?= and =?utf-8?B?...?=), as nodemailer writes subjects. */
function decodeHeader(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?[^?]+\?([QqBb])\?([^?]*)\?=/g, (_m, encoding: string, text: string) =>
      encoding.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : decodeQuotedPrintable(text.replace(/_/g, ' ')),
    );
}

function decodeBody(part: Part): string {
  const encoding = (part.headers.get('content-transfer-encoding') ?? '').toLowerCase();
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(part.body);
  if (encoding === 'base64') return Buffer.from(part.body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return part.body;
}

/** The plain-text body; for a multipart message its first text/plain part. */
function plainText(part: Part): string {
  const type = part.headers.get('content-type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (!/^multipart\//i.test(type) || boundary === undefined) return decodeBody(part);
  const pieces = part.body.split(`--${boundary}`).slice(1);
  for (const piece of pieces) {
    if (piece.startsWith('--')) break;
    const text = plainText(parsePart(piece.replace(/^\r?\n/, '')));
    if (text) return text;
  }
  return '';
}

function store(raw: string, recipients: string[]): void {
  const message = parsePart(raw);
  messages.push({
    to: recipients.map((address) => address.toLowerCase()),
    subject: decodeHeader(message.headers.get('subject') ?? ''),
    text: plainText(message),
  });
}

const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  size: MAX_MESSAGE_BYTES,
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
    });
    stream.on('end', () => {
      store(Buffer.concat(chunks).toString('utf8'), session.envelope.rcptTo.map((r) => r.address));
      callback();
    });
  },
});

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

const api = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://catcher.invalid');
  if (req.method !== 'GET') {
    send(res, 405, { error: 'method not allowed' });
  } else if (url.pathname === '/healthz') {
    send(res, 200, { ok: true, messages: messages.length });
  } else if (url.pathname === '/messages') {
    const to = url.searchParams.get('to')?.toLowerCase();
    send(res, 200, to === undefined ? messages : messages.filter((m) => m.to.includes(to)));
  } else {
    send(res, 404, { error: 'not found' });
  }
});

function listen(server: { listen(port: number, host: string, callback: () => void): unknown; on(event: 'error', listener: (err: Error) => void): unknown }, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(port, SMTP_CATCHER_HOST, resolve);
  });
}

// Everything lives in memory and the tests are over when this is asked to stop: nothing to flush.
function stop(): void {
  process.exit(0);
}

process.on('SIGTERM', stop);
process.on('SIGINT', stop);

try {
  await listen(smtp, SMTP_CATCHER_SMTP_PORT);
  await listen(api, SMTP_CATCHER_HTTP_PORT);
} catch (err) {
  process.stderr.write(`smtp-catcher: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
process.stdout.write(`smtp-catcher: SMTP on ${SMTP_CATCHER_HOST}:${SMTP_CATCHER_SMTP_PORT}, mail API on http://${SMTP_CATCHER_HOST}:${SMTP_CATCHER_HTTP_PORT}\n`);
