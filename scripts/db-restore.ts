/**
 * npm run db:restore -- <file>: restores a dump made by db:backup into the configured database
 * (DATABASE_URL, or the embedded cluster in DATA_DIR/pg). Stop the app first. Objects in the dump
 * replace those of the same name; the whole restore is one transaction, so a failure leaves the
 * database as it was. Starting the app afterwards applies migrations newer than the dump.
 */
import path from 'node:path';
import { exists } from '../src/db/files.ts';
import { configuredDatabase, findClient, runClient, runScript, serverMajor, ToolError } from './lib/pg-tools.ts';

const usage = 'Usage: npm run db:restore -- <file>';

runScript(async (args) => {
  const [name] = args;
  if (args.length !== 1 || name === undefined || name.startsWith('-')) throw new ToolError(usage);
  const file = path.resolve(name);
  if (!(await exists(file))) throw new ToolError(`${file} does not exist`);
  const database = await configuredDatabase({ mustExist: false });
  try {
    const pgRestore = await findClient('pg_restore', await serverMajor(database.url));
    await runClient(pgRestore.binary, database.url, [
      '--clean',
      '--if-exists',
      // Roles differ between sites: the restoring user owns everything, and no GRANT can fail.
      '--no-owner',
      '--no-privileges',
      '--single-transaction',
      '--exit-on-error',
      file,
    ]);
    process.stdout.write(`Restored ${file} into ${database.source} (pg_restore ${String(pgRestore.major)})\n`);
  } finally {
    await database.release();
  }
});
