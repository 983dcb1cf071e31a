/**
 * Stand-in for `prisma migrate dev --create-only` / `prisma migrate deploy` that needs no
 * downloaded engine binary. `deploy` is the same runner the server uses at start-up
 * (src/db/migrate.ts, plain SQL); the other commands drive Prisma's Wasm schema engine
 * (scripts/lib/schema-engine.ts), a development tool.
 *
 * Usage: node --import tsx scripts/prisma-offline.ts <command>
 *   create <name>  write prisma/migrations/<timestamp>_<name>/migration.sql for schema changes
 *   check          print the SQL and exit 1 unless the migrations produce schema.prisma exactly
 *   deploy         apply pending migrations to $DATABASE_URL (like `prisma migrate deploy`)
 *   drift          print the SQL and exit 1 unless the tables at $DATABASE_URL match schema.prisma
 */
import path from 'node:path';
import { deployMigrations, MigrationFailedError, MigrationStateError } from '../src/db/migrate.ts';

const usage = 'Usage: prisma-offline.ts create <name> | check | deploy | drift';

/** A mistake in how the script was called: worth a one-line message, not a stack trace. */
class UsageError extends Error {}

function requireDatabaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (url === undefined || url === '') throw new UsageError('DATABASE_URL is not set');
  return url;
}

function reportDiff(sql: string | null, what: string): number {
  if (sql === null) {
    console.log(`${what} match prisma/schema.prisma`);
    return 0;
  }
  console.log(`${what} differ from prisma/schema.prisma; SQL to reconcile:\n`);
  console.log(sql);
  return 1;
}

async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case 'create': {
      const [name] = rest;
      if (name === undefined || rest.length !== 1) break;
      const { createMigration } = await import('./lib/schema-engine.ts');
      const created = await createMigration(name);
      if (created === null) {
        console.log('No schema changes');
      } else {
        console.log(`Created ${path.relative(process.cwd(), created.file)}`);
      }
      return 0;
    }
    case 'check': {
      if (rest.length !== 0) break;
      const { diffMigrationsAgainstSchema } = await import('./lib/schema-engine.ts');
      return reportDiff(await diffMigrationsAgainstSchema(), 'Migrations');
    }
    case 'deploy': {
      if (rest.length !== 0) break;
      const applied = await deployMigrations(requireDatabaseUrl());
      if (applied.length === 0) console.log('No pending migrations');
      for (const name of applied) console.log(`Applied ${name}`);
      return 0;
    }
    case 'drift': {
      if (rest.length !== 0) break;
      const { diffDatabaseAgainstSchema } = await import('./lib/schema-engine.ts');
      return reportDiff(await diffDatabaseAgainstSchema(requireDatabaseUrl()), 'Database tables');
    }
    default:
      break;
  }
  console.error(usage);
  return 2;
}

// The schema engine is imported per command so that `deploy` loads no Wasm and no patched pg.
// process.exit rather than waiting for the event loop: the engine and PGlite can leave timers
// and handles behind that would otherwise delay the exit by seconds.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const expected =
      error instanceof UsageError ||
      error instanceof MigrationStateError ||
      error instanceof MigrationFailedError;
    console.error(expected ? error.message : error);
    process.exit(1);
  },
);
