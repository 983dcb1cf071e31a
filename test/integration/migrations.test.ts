import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { query } from '../support/database.ts';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { defaultMigrationsDir, deployMigrations, readMigrationFiles } from '../../src/db/migrate.ts';
import {
  applyMigrationsWithEngine,
  diffDatabaseAgainstSchema,
  diffMigrationsAgainstSchema,
} from '../../scripts/lib/schema-engine.ts';

// Replaying migrations in PGlite is slow on small machines (several seconds to boot).
const slow = 60_000;

/** An empty database (not the migrated template), dropped after each test. */
const created: string[] = [];
async function createEmptyDatabase(): Promise<string> {
  const adminUrl = inject('pgAdminUrl');
  const name = `badgeapp_migrations_${String(process.pid)}_${String(created.length)}_${String(Date.now())}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  created.push(name);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: inject('pgAdminUrl') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

afterEach(async () => {
  for (const name of created.splice(0)) await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
});

interface MigrationRow {
  id: string;
  checksum: string;
  migration_name: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  applied_steps_count: number;
  logs: string | null;
}

const selectRows = 'SELECT * FROM _prisma_migrations ORDER BY migration_name';

describe('migrations', () => {
  it('produce exactly prisma/schema.prisma when replayed (no drift)', async () => {
    expect(await diffMigrationsAgainstSchema()).toBeNull();
  }, slow);

  it('report the SQL for the whole schema when there are no migrations', async () => {
    const emptyDir = await mkdtemp(path.join(os.tmpdir(), 'badgeapp-migrations-'));
    try {
      const sql = await diffMigrationsAgainstSchema({ migrationsDir: emptyDir });
      expect(sql).toContain('CREATE TABLE "users"');
      expect(sql).toContain('CREATE TABLE "session"');
    } finally {
      await rm(emptyDir, { recursive: true, force: true });
    }
  }, slow);

  it('are applied by the runner to a fresh database, recorded as Prisma records them, then not again', async () => {
    const url = await createEmptyDatabase();
    const files = await readMigrationFiles();
    const names = files.map((file) => file.name);
    expect(names.length).toBeGreaterThan(0);

    expect(await deployMigrations(url)).toEqual(names);

    const tables = await query<{ table_name: string }>(
      url,
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
    );
    expect(tables.map((row) => row.table_name)).toEqual(
      expect.arrayContaining(['users', 'projects', 'additional_rights', 'session', '_prisma_migrations']),
    );
    const rows = await query<MigrationRow>(url, selectRows);
    expect(rows.map((row) => row.migration_name)).toEqual(names);
    for (const row of rows) {
      const bytes = await readFile(path.join(defaultMigrationsDir, row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
      expect(row.logs).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }

    expect(await deployMigrations(url)).toEqual([]);
    expect(await query(url, 'SELECT 1 FROM _prisma_migrations')).toHaveLength(names.length);
  });

  it("agree with Prisma's schema engine: it finds nothing to apply and no drift after the runner", async () => {
    const url = await createEmptyDatabase();
    await deployMigrations(url);
    expect(await applyMigrationsWithEngine(url)).toEqual([]);
    expect(await diffDatabaseAgainstSchema(url)).toBeNull();
  }, slow);

  it("create _prisma_migrations exactly as Prisma's schema engine does, and accept the engine's rows", async () => {
    const columns = `SELECT column_name, data_type, character_maximum_length, is_nullable, column_default
      FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`;
    const constraints = `SELECT contype, pg_get_constraintdef(oid) AS definition FROM pg_constraint
      WHERE conrelid = '_prisma_migrations'::regclass ORDER BY 1, 2`;

    const byEngine = await createEmptyDatabase();
    const names = (await readMigrationFiles()).map((file) => file.name);
    expect(await applyMigrationsWithEngine(byEngine)).toEqual(names);
    const byRunner = await createEmptyDatabase();
    await deployMigrations(byRunner);

    expect(await query(byRunner, columns)).toEqual(await query(byEngine, columns));
    expect(await query(byRunner, constraints)).toEqual(await query(byEngine, constraints));
    // Same checksums and bookkeeping: the runner sees the engine's work as complete.
    const strip = (rows: MigrationRow[]) =>
      rows.map(({ checksum, migration_name, applied_steps_count, logs, rolled_back_at }) => ({
        checksum,
        migration_name,
        applied_steps_count,
        logs,
        rolled_back_at,
      }));
    expect(strip(await query<MigrationRow>(byRunner, selectRows))).toEqual(
      strip(await query<MigrationRow>(byEngine, selectRows)),
    );
    expect(await deployMigrations(byEngine)).toEqual([]);
  }, slow);
});
