import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';

export interface CapturedMail {
  to: string[];
  raw: string;
  /** Headers and body with quoted-printable soft breaks and escapes decoded. */
  text: string;
  subject: string;
  header(name: string): string | undefined;
}

export function decodeQuotedPrintable(raw: string): string {
  return raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/[\u0080-\u00ff]+/g, (bytes) => Buffer.from(bytes, 'latin1').toString('utf8'));
}

function decodeHeaderWords(value: string): string {
  return value.replace(/=\?utf-8\?Q\?([^?]*)\?=/gi, (_m, text: string) =>
    decodeQuotedPrintable(text.replace(/_/g, ' ')),
  ).replace(/\?=\s+=\?/g, '');
}

/** A real SMTP server on 127.0.0.1 that keeps every message it receives. */
export async function startSmtpCatcher(): Promise<{ url: string; messages: CapturedMail[]; close(): Promise<void> }> {
  const messages: CapturedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => {
        chunks.push(c);
      });
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const text = decodeQuotedPrintable(raw);
        const headerBlock = raw.split(/\r?\n\r?\n/)[0] ?? '';
        const header = (name: string) => {
          const m = new RegExp(`^${name}: ?((?:.*)(?:\\r?\\n[ \\t].*)*)`, 'im').exec(headerBlock);
          return m ? decodeHeaderWords(m[1]!.replace(/\r?\n[ \t]/g, ' ')).trim() : undefined;
        };
        messages.push({ to: session.envelope.rcptTo.map((r) => r.address), raw, text, subject: header('Subject') ?? '', header });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    close: () => new Promise<void>((resolve) => { server.close(() => { resolve(); }); }),
  };
}

/** Waits until a message to the address arrives (delivery is asynchronous). */
export async function waitForMail(messages: CapturedMail[], to: string, match: (m: CapturedMail) => boolean = () => true, timeoutMs = 5000): Promise<CapturedMail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = messages.find((m) => m.to.includes(to.toLowerCase()) && match(m));
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no mail to ${to} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** First link in the mail that starts with the given path. */
export function linkIn(mail: CapturedMail, pathPrefix: string): string {
  const m = new RegExp(`https?://[^\\s"<>]+${pathPrefix.replace(/[/]/g, '\\/')}[^\\s"<>]*`).exec(mail.text);
  if (!m) throw new Error(`no ${pathPrefix} link in mail "${mail.subject}"`);
  return m[0];
}
