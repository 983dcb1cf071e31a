/**
 * npm run db:backup [-- <file>]: a pg_dump of the configured database (DATABASE_URL, or the
 * embedded cluster in DATA_DIR/pg) in the custom format (compressed, restorable selectively).
 * Without a file name it writes badgeapp-<UTC timestamp>.dump in the current directory.
 */
import path from 'node:path';
import { configuredDatabase, findClient, runClient, runScript, serverMajor, ToolError } from './lib/pg-tools.ts';

const usage = 'Usage: npm run db:backup [-- <file>]';

function defaultName(now: Date): string {
  return `badgeapp-${now.toISOString().replace(/[:.]/g, '-')}.dump`;
}

runScript(async (args) => {
  if (args.length > 1 || args[0]?.startsWith('-')) throw new ToolError(usage);
  const file = path.resolve(args[0] ?? defaultName(new Date()));
  // The dump holds password digests and email addresses: readable by its owner only.
  process.umask(0o077);
  const database = await configuredDatabase({ mustExist: true });
  try {
    const pgDump = await findClient('pg_dump', await serverMajor(database.url));
    await runClient(pgDump.binary, database.url, ['--format=custom', '--no-owner', `--file=${file}`]);
    process.stdout.write(`Backed up ${database.source} to ${file} (pg_dump ${String(pgDump.major)})\n`);
  } finally {
    await database.release();
  }
});
