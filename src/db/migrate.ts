import { createHash, randomUUID } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { fromProjectRoot } from '../paths.ts';

/**
 * Applies prisma/migrations/<name>/migration.sql in name order, with plain SQL over one pg
 * connection. It writes the same `_prisma_migrations` table and rows as `prisma migrate deploy`,
 * so Prisma's tools (and the schema engine used in development, scripts/lib/schema-engine.ts)
 * agree with it about what has been applied.
 *
 * It is safe for many instances starting at once: everything happens while holding the same
 * session-level advisory lock that Prisma's own engine takes, so one instance applies the
 * pending migrations and the others wait, then find nothing left to do.
 */

export const defaultMigrationsDir = fromProjectRoot('prisma', 'migrations');

/** The key Prisma's schema engine locks (`SELECT pg_advisory_lock(72707369)`), so this runner and `prisma migrate deploy` also exclude each other. */
export const migrationLockKey = 72707369;

// Prisma's own definition, byte for byte, so that its tools read the table unchanged.
const createMigrationsTable = `CREATE TABLE IF NOT EXISTS _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
)`;

export interface MigrationFile {
  /** Directory name, e.g. 20261125120357_init. */
  name: string;
  sql: string;
  /** SHA-256 of the file's bytes in lower-case hex, as Prisma computes it. */
  checksum: string;
}

export interface DeployOptions {
  migrationsDir?: string;
  /** Progress for operators: waiting for another instance's lock, each migration started. */
  log?: (message: string, details: Record<string, unknown>) => void;
}

/** The database or the migration files are in a state the runner must not touch; the message names the migration. */
export class MigrationStateError extends Error {
  override name = 'MigrationStateError';
  constructor(
    readonly migrationName: string,
    message: string,
    options?: { cause: unknown },
  ) {
    super(message, options);
  }
}

/** Applying a migration failed; `cause` is the database error. */
export class MigrationFailedError extends Error {
  override name = 'MigrationFailedError';
  constructor(
    readonly migrationName: string,
    message: string,
    options: { cause: unknown },
  ) {
    super(message, options);
  }
}

export async function readMigrationFiles(
  migrationsDir: string = defaultMigrationsDir,
): Promise<MigrationFile[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    // Code-unit order equals the byte order Prisma sorts by for the ASCII names migrations have.
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const file = path.join(migrationsDir, name, 'migration.sql');
      let bytes: Buffer;
      try {
        bytes = await readFile(file);
      } catch (error) {
        throw new MigrationStateError(name, `Migration ${name}: cannot read ${file}`, { cause: error });
      }
      return {
        name,
        sql: bytes.toString('utf8'),
        checksum: createHash('sha256').update(bytes).digest('hex'),
      };
    }),
  );
}

interface RecordedMigration {
  id: string;
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
}

/**
 * Applies every migration that `_prisma_migrations` does not record as applied and returns
 * their names (empty when another instance got there first). Throws, without applying anything,
 * when a recorded migration failed or its file has changed since.
 */
export async function deployMigrations(
  databaseUrl: string,
  options: DeployOptions = {},
): Promise<string[]> {
  const files = await readMigrationFiles(options.migrationsDir ?? defaultMigrationsDir);
  const log = options.log ?? (() => undefined);
  // A dedicated client, not a pool: an advisory lock belongs to the connection that took it.
  const client = new pg.Client({ connectionString: databaseUrl });
  // A connection lost while idle must surface as a failed query, not crash the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    const acquired = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [migrationLockKey]);
    if (acquired.rows[0]?.locked !== true) {
      log('waiting for another instance to finish migrating', { lock: migrationLockKey });
      await client.query('SELECT pg_advisory_lock($1)', [migrationLockKey]);
    }
    try {
      await client.query(createMigrationsTable);
      const recorded = (
        await client.query<RecordedMigration>(
          'SELECT id, migration_name, checksum, finished_at, rolled_back_at, logs FROM _prisma_migrations ORDER BY started_at',
        )
      ).rows;
      const pending = pendingMigrations(files, recorded);
      const applied: string[] = [];
      for (const migration of pending) {
        log('applying migration', { migration: migration.name });
        await applyMigration(client, migration);
        applied.push(migration.name);
      }
      return applied;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [migrationLockKey]);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Rolled-back rows are history only, as in Prisma. Recorded names without a file are ignored:
 * during a rolling upgrade an older instance may start after a newer one added a migration.
 */
function pendingMigrations(files: MigrationFile[], recorded: RecordedMigration[]): MigrationFile[] {
  const live = recorded.filter((row) => row.rolled_back_at === null);
  const failed = live.find((row) => row.finished_at === null);
  if (failed) {
    throw new MigrationStateError(
      failed.migration_name,
      `Migration ${failed.migration_name} failed or was interrupted earlier (_prisma_migrations id ${failed.id}: ` +
        `finished_at and rolled_back_at are both NULL), so no migration is applied and the app does not start. ` +
        `Its statements ran outside a transaction and may be partly applied. Check the database by hand, then either ` +
        `complete it and set finished_at = now(), or undo it and set rolled_back_at = now() so it is applied again ` +
        `(the same as \`prisma migrate resolve --applied|--rolled-back\`).` +
        (failed.logs ? `\nRecorded error: ${failed.logs}` : ''),
    );
  }
  const appliedChecksums = new Map(live.map((row) => [row.migration_name, row.checksum]));
  const pending: MigrationFile[] = [];
  for (const file of files) {
    const checksum = appliedChecksums.get(file.name);
    if (checksum === undefined) {
      pending.push(file);
    } else if (checksum !== file.checksum) {
      throw new MigrationStateError(
        file.name,
        `Migration ${file.name} was modified after it was applied: prisma/migrations/${file.name}/migration.sql ` +
          `has SHA-256 ${file.checksum}, the database recorded ${checksum}. Restore the applied version of the file ` +
          `and put the change into a new migration.`,
      );
    }
  }
  return pending;
}

async function applyMigration(client: pg.Client, migration: MigrationFile): Promise<void> {
  const id = randomUUID();
  const record = 'INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, clock_timestamp())';
  const finish = 'UPDATE _prisma_migrations SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1';
  const statements = splitSqlStatements(migration.sql);

  if (!statements.some((statement) => cannotRunInTransaction(statement.text))) {
    // All or nothing: a failure leaves neither the schema change nor a row behind, so fixing the
    // cause (e.g. conflicting data) and starting again is enough.
    await client.query('BEGIN');
    try {
      await client.query(record, [id, migration.checksum, migration.name]);
      // No parameters: the simple query protocol, which runs the whole multi-statement file.
      await client.query(migration.sql);
      await client.query(finish, [id]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw failure(migration, error, undefined, 'Nothing of it was applied (rolled back).');
    }
    return;
  }

  // Statements such as CREATE INDEX CONCURRENTLY refuse to run in any transaction block, and a
  // multi-statement query is one, so each statement runs on its own. The row is written first
  // so that a failure halfway is on record and stops the next start.
  await client.query(record, [id, migration.checksum, migration.name]);
  for (const statement of statements) {
    try {
      await client.query(statement.text);
    } catch (error) {
      const failed = failure(
        migration,
        error,
        statement.offset,
        'It runs outside a transaction, so the statements before this one stay applied; it is recorded as failed.',
      );
      await client
        .query('UPDATE _prisma_migrations SET logs = $2 WHERE id = $1', [id, failed.message])
        .catch(() => undefined);
      throw failed;
    }
  }
  await client.query(finish, [id]);
}

/** `statementOffset` is where the failed statement starts when statements ran one by one. */
function failure(
  migration: MigrationFile,
  error: unknown,
  statementOffset: number | undefined,
  consequence: string,
): MigrationFailedError {
  const reason = error instanceof Error ? error.message : String(error);
  // pg reports a 1-based character position within the query that failed, for parse and
  // name-resolution errors; run-time errors (division by zero, constraint violations) have none.
  const position = error instanceof pg.DatabaseError && error.position ? Number(error.position) : undefined;
  let where = '';
  if (position !== undefined) {
    where = ` at line ${lineOf(migration.sql, (statementOffset ?? 0) + position - 1)}`;
  } else if (statementOffset !== undefined) {
    where = ` in the statement at line ${lineOf(migration.sql, statementOffset)}`;
  }
  return new MigrationFailedError(
    migration.name,
    `Migration ${migration.name} failed${where}: ${reason}. ${consequence}`,
    { cause: error },
  );
}

function lineOf(text: string, index: number): number {
  return text.slice(0, Math.max(0, index)).split('\n').length;
}

// Statements PostgreSQL refuses inside a transaction block (PreventInTransactionBlock), plus
// explicit transaction control, which means the file manages its own transactions.
const nonTransactional =
  /^(?:(?:CREATE\s+(?:UNIQUE\s+)?INDEX|DROP\s+INDEX|REINDEX|REFRESH\s+MATERIALIZED\s+VIEW)\b[\s\S]*\bCONCURRENTLY\b|ALTER\s+TABLE\b[\s\S]*\bDETACH\s+PARTITION\b[\s\S]*\bCONCURRENTLY\b|VACUUM\b|ALTER\s+SYSTEM\b|(?:CREATE|DROP)\s+(?:DATABASE|TABLESPACE)\b|CREATE\s+SUBSCRIPTION\b|BEGIN\b|START\s+TRANSACTION\b|COMMIT\b|END\b|ROLLBACK\b)/i;

export function cannotRunInTransaction(statement: string): boolean {
  return nonTransactional.test(statement);
}

export interface SqlStatement {
  /** The statement without leading comments or whitespace and without its semicolon. */
  text: string;
  /** Index of `text` in the file. */
  offset: number;
}

/**
 * Splits a migration into statements at top-level semicolons, skipping over quoted strings and
 * identifiers, dollar-quoted bodies (functions, DO blocks) and comments.
 */
export function splitSqlStatements(sql: string): SqlStatement[] {
  const statements: SqlStatement[] = [];
  let start = 0;
  let i = 0;
  const push = (end: number): void => {
    const from = skipCommentsAndSpace(sql, start, end);
    const text = sql.slice(from, end).trimEnd();
    if (text !== '') statements.push({ text, offset: from });
  };
  while (i < sql.length) {
    const c = sql[i];
    const next = sql[i + 1];
    if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end + 1;
    } else if (c === '/' && next === '*') {
      i = skipBlockComment(sql, i);
    } else if (c === "'" || c === '"') {
      const escapes = c === "'" && /[Ee]/.test(sql[i - 1] ?? '') && !identifierChar.test(sql[i - 2] ?? '');
      i = skipQuoted(sql, i, c, escapes);
    } else if (c === '$' && !identifierChar.test(sql[i - 1] ?? '')) {
      dollarTag.lastIndex = i;
      const tag = dollarTag.exec(sql)?.[0];
      if (tag === undefined) {
        i += 1;
      } else {
        const end = sql.indexOf(tag, i + tag.length);
        i = end === -1 ? sql.length : end + tag.length;
      }
    } else if (c === ';') {
      push(i);
      i += 1;
      start = i;
    } else {
      i += 1;
    }
  }
  push(sql.length);
  return statements;
}

const identifierChar = /[A-Za-z0-9_$]/;
const dollarTag = /\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/y;

function skipCommentsAndSpace(sql: string, from: number, end: number): number {
  let i = from;
  while (i < end) {
    if (/\s/.test(sql[i] ?? '')) {
      i += 1;
    } else if (sql.startsWith('--', i)) {
      const lineEnd = sql.indexOf('\n', i);
      i = lineEnd === -1 ? end : lineEnd + 1;
    } else if (sql.startsWith('/*', i)) {
      i = skipBlockComment(sql, i);
    } else {
      break;
    }
  }
  return Math.min(i, end);
}

/** PostgreSQL block comments nest. */
function skipBlockComment(sql: string, from: number): number {
  let depth = 0;
  let i = from;
  while (i < sql.length) {
    if (sql.startsWith('/*', i)) {
      depth += 1;
      i += 2;
    } else if (sql.startsWith('*/', i)) {
      depth -= 1;
      i += 2;
      if (depth === 0) return i;
    } else {
      i += 1;
    }
  }
  return i;
}

/**
 * A doubled quote inside is an escaped quote, which this handles as two adjacent quoted runs;
 * E'...' strings also escape with a backslash.
 */
function skipQuoted(sql: string, from: number, quote: string, backslashEscapes: boolean): number {
  let i = from + 1;
  while (i < sql.length) {
    if (backslashEscapes && sql[i] === '\\') {
      i += 2;
    } else if (sql[i] === quote) {
      return i + 1;
    } else {
      i += 1;
    }
  }
  return i;
}
