import { MAIL_API_URL } from './ports.ts';

/**
 * The app delivers mail by SMTP to the end-to-end mail catcher (test/e2e/smtp-catcher.ts);
 * the tests read it back from the catcher's HTTP API.
 */
export interface Mail {
  /** Envelope recipients, lower-cased. */
  to: string[];
  subject: string;
  /** Plain-text body, transfer encoding (quoted-printable, base64) decoded. */
  text: string;
}

export async function mailTo(to: string): Promise<Mail[]> {
  const response = await fetch(`${MAIL_API_URL}/messages?to=${encodeURIComponent(to)}`);
  if (!response.ok) throw new Error(`mail catcher answered ${response.status} for ${to}`);
  return (await response.json()) as Mail[];
}

/**
 * Polls the catcher until a message to the address arrives whose subject matches (delivery is
 * asynchronous to the page that triggers it) and returns the newest such message.
 */
export async function waitForMail(to: string, subject: string | RegExp = /(?:)/, timeoutMs = 10_000): Promise<Mail> {
  const matches = (mail: Mail) => (typeof subject === 'string' ? mail.subject === subject : subject.test(mail.subject));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await mailTo(to)).filter(matches).at(-1);
    if (found) return found;
    if (Date.now() > deadline) {
      const seen = (await mailTo(to)).map((m) => `"${m.subject}"`).join(', ') || 'none';
      throw new Error(`no mail to ${to} with subject ${String(subject)} within ${timeoutMs} ms (subjects seen: ${seen})`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The path (and query) of the first link in the mail that starts with the given path, after the
 * /<locale> segment mail links carry (kept in the result: the page opens in the mail's language).
 */
export function linkFrom(mail: Mail, pathPrefix: string): string {
  const match = new RegExp(`https?://[^\\s"<>/]+((?:/[a-z]{2}(?:-[A-Z]{2})?)?${pathPrefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[^\\s"<>]*)`).exec(mail.text);
  if (!match) throw new Error(`no ${pathPrefix} link in mail "${mail.subject}"`);
  return match[1]!;
}
