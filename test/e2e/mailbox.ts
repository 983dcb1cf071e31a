import fs from 'node:fs';
import path from 'node:path';
import { decodeQuotedPrintable } from '../support/smtp.ts';

/**
 * Without SMTP_URL the server writes each message as an .eml file under DATA_DIR/mail; the
 * end-to-end tests read their mail from there.
 */
export async function waitForMailFile(to: string, timeoutMs = 10_000): Promise<string> {
  const dir = path.join(process.env.BADGEAPP_E2E_DATA_DIR ?? '', 'mail');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const files = fs.existsSync(dir) ? fs.readdirSync(dir).sort().reverse() : [];
    for (const file of files) {
      const text = decodeQuotedPrintable(fs.readFileSync(path.join(dir, file), 'utf8'));
      if (new RegExp(`^To: .*${to.replace(/[.+]/g, '\\$&')}`, 'im').test(text)) return text;
    }
    if (Date.now() > deadline) throw new Error(`no mail to ${to} in ${dir}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function linkFrom(mail: string, pathPrefix: string): string {
  const match = new RegExp(`https?://\\S+?(${pathPrefix}\\S*)`).exec(mail);
  if (!match) throw new Error(`no ${pathPrefix} link in mail`);
  return match[1]!;
}
