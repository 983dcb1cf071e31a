/**
 * The start-up email data step on demand (src/db/email-encryption-step.ts): encrypts addresses
 * still in plaintext, re-encrypts those under an older key of EMAIL_ENCRYPTION_KEYS, and with
 * --reindex recomputes every blind index after a change of EMAIL_BLIND_INDEX_KEY. Safe while
 * the application runs; instances starting meanwhile wait for it.
 *
 * Usage: DATABASE_URL=… EMAIL_ENCRYPTION_KEYS=… EMAIL_BLIND_INDEX_KEY=… npm run db:encrypt-emails [-- --reindex]
 */
import { ConfigError, loadConfig } from '../src/config.ts';
import { EmailStepError, encryptStoredEmails } from '../src/db/email-encryption-step.ts';

const usage = 'Usage: encrypt-emails.ts [--reindex]';

async function main(args: string[]): Promise<number> {
  if (args.some((a) => a !== '--reindex')) {
    console.error(usage);
    return 2;
  }
  const config = loadConfig();
  if (!config.databaseUrl) {
    console.error('DATABASE_URL is not set');
    return 1;
  }
  const result = await encryptStoredEmails(config.databaseUrl, config.emailKeys, { reindex: args.includes('--reindex') });
  console.log(`users rows updated: ${String(result.users)}; user_tokens rows updated: ${String(result.tokens)}`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError || error instanceof EmailStepError ? error.message : error);
    process.exit(1);
  },
);
