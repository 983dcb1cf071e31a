import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../src/db/embedded.ts';
import {
  defaultMigrationsDir,
  deployMigrations,
  diffDatabaseAgainstSchema,
  diffMigrationsAgainstSchema,
} from '../../src/db/migrate.ts';

// Replaying migrations in PGlite is slow on small machines (several seconds to boot).
const slow = 60_000;

describe('migrations', () => {
  let server: EmbeddedPostgresHandle | undefined;
  let databaseUrl: string;

  beforeAll(async () => {
    server = await startEmbeddedPostgres({ database: 'migrations_test' });
    databaseUrl = server.url;
  });

  afterAll(async () => {
    await server?.stop();
  });

  async function query<Row extends pg.QueryResultRow>(sql: string): Promise<Row[]> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return (await client.query<Row>(sql)).rows;
    } finally {
      await client.end();
    }
  }

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

  it('deploy every migration to a fresh database, then nothing on a second run', async () => {
    const migrationNames = (await readdir(defaultMigrationsDir, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    expect(migrationNames.length).toBeGreaterThan(0);

    expect(await deployMigrations(databaseUrl)).toEqual(migrationNames);

    const tables = await query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
    );
    expect(tables.map((row) => row.table_name)).toEqual(
      expect.arrayContaining([
        'users',
        'projects',
        'additional_rights',
        'session',
        '_prisma_migrations',
      ]),
    );
    const recorded = await query<{ migration_name: string; finished_at: Date | null }>(
      'SELECT migration_name, finished_at FROM _prisma_migrations ORDER BY migration_name',
    );
    expect(recorded.map((row) => row.migration_name)).toEqual(migrationNames);
    expect(recorded.every((row) => row.finished_at !== null)).toBe(true);

    expect(await deployMigrations(databaseUrl)).toEqual([]);
  });

  it('leave the deployed database identical to prisma/schema.prisma', async () => {
    await deployMigrations(databaseUrl);
    expect(await diffDatabaseAgainstSchema(databaseUrl)).toBeNull();
  });
});
