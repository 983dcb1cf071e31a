import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  defaultMigrationsDir,
  deployMigrations,
  MigrationFailedError,
  MigrationStateError,
  readMigrationFiles,
} from '../../src/db/migrate.ts';
import { projectRoot } from '../../src/paths.ts';
import { query } from '../support/database.ts';

const run = promisify(execFile);

const created: string[] = [];
async function createEmptyDatabase(): Promise<string> {
  const name = `badgeapp_runner_${String(process.pid)}_${String(created.length)}_${String(Date.now())}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  created.push(name);
  const url = new URL(inject('pgAdminUrl'));
  url.pathname = `/${name}`;
  return url.toString();
}

async function adminQuery(sql: string): Promise<void> {
  await query(inject('pgAdminUrl'), sql);
}

async function tableExists(url: string, table: string): Promise<boolean> {
  const rows = await query<{ found: string | null }>(url, `SELECT to_regclass('public.${table}')::text AS found`);
  return rows[0]?.found != null;
}

interface MigrationRow {
  id: string;
  migration_name: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
}

async function recorded(url: string): Promise<MigrationRow[]> {
  return query<MigrationRow>(url, 'SELECT * FROM _prisma_migrations ORDER BY migration_name, started_at');
}

afterEach(async () => {
  for (const name of created.splice(0)) await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
});

describe('migration runner: several instances at once', () => {
  it('two deploy processes started together on an empty database apply each migration exactly once', async () => {
    const url = await createEmptyDatabase();
    const names = (await readMigrationFiles()).map((file) => file.name);
    const deploy = () =>
      run(process.execPath, ['--import', 'tsx', 'scripts/prisma-offline.ts', 'deploy'], {
        cwd: projectRoot,
        env: { ...process.env, DATABASE_URL: url },
      });

    const outputs = await Promise.all([deploy(), deploy()]);

    const appliedLines = outputs.flatMap((output) => output.stdout.split('\n').filter((line) => line.startsWith('Applied ')));
    expect(appliedLines.sort()).toEqual(names.map((name) => `Applied ${name}`));
    const rows = await recorded(url);
    expect(rows.map((row) => row.migration_name)).toEqual(names);
    expect(rows.every((row) => row.finished_at !== null)).toBe(true);
    for (const table of ['users', 'projects', 'session']) expect(await tableExists(url, table)).toBe(true);
  }, 60_000);

  it('many concurrent calls in one process also apply each migration once', async () => {
    const url = await createEmptyDatabase();
    const names = (await readMigrationFiles()).map((file) => file.name);
    const results = await Promise.all(Array.from({ length: 4 }, () => deployMigrations(url)));
    expect(results.flat().sort()).toEqual(names);
    expect((await recorded(url)).map((row) => row.migration_name)).toEqual(names);
  });
});

describe('migration runner: refusals and failures', () => {
  let dir: string;
  let migrationsDir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'badgeapp-runner-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function freshMigrationsDir(): Promise<string> {
    migrationsDir = await mkdtemp(path.join(dir, 'migrations-'));
    return migrationsDir;
  }

  async function writeMigration(name: string, sql: string): Promise<void> {
    await mkdir(path.join(migrationsDir, name), { recursive: true });
    await writeFile(path.join(migrationsDir, name, 'migration.sql'), sql);
  }

  it('refuses, naming the migration, when an applied migration file has changed', async () => {
    const url = await createEmptyDatabase();
    await freshMigrationsDir();
    await cp(defaultMigrationsDir, migrationsDir, { recursive: true });
    const [first] = await readMigrationFiles(migrationsDir);
    await deployMigrations(url, { migrationsDir });

    await writeFile(path.join(migrationsDir, first!.name, 'migration.sql'), `${first!.sql}\n-- edited later\n`);
    await writeMigration('29990101000000_later', 'CREATE TABLE later_table (id integer);');

    const attempt = deployMigrations(url, { migrationsDir });
    await expect(attempt).rejects.toBeInstanceOf(MigrationStateError);
    await expect(attempt).rejects.toMatchObject({
      migrationName: first!.name,
      message: expect.stringContaining(`Migration ${first!.name} was modified after it was applied`) as string,
    });
    // Nothing after the refusal ran.
    expect(await tableExists(url, 'later_table')).toBe(false);
  });

  it('rolls a failing migration back completely, records nothing for it, and applies it once fixed', async () => {
    const url = await createEmptyDatabase();
    await freshMigrationsDir();
    await writeMigration('20000101000000_first', 'CREATE TABLE first_table (id integer);');
    await writeMigration(
      '20000102000000_broken',
      'CREATE TABLE half_table (id integer);\nALTER TABLE first_table ADD COLUMN name text;\nINSERT INTO no_such_table VALUES (1);\n',
    );
    await writeMigration('20000103000000_after', 'CREATE TABLE after_table (id integer);');

    const attempt = deployMigrations(url, { migrationsDir });
    await expect(attempt).rejects.toBeInstanceOf(MigrationFailedError);
    await expect(attempt).rejects.toMatchObject({
      migrationName: '20000102000000_broken',
      message: expect.stringMatching(/^Migration 20000102000000_broken failed at line 3: relation "no_such_table" does not exist\. Nothing of it was applied/) as string,
    });

    expect(await tableExists(url, 'first_table')).toBe(true);
    expect(await tableExists(url, 'half_table')).toBe(false);
    expect(await query(url, "SELECT 1 FROM information_schema.columns WHERE table_name = 'first_table' AND column_name = 'name'")).toEqual([]);
    expect(await tableExists(url, 'after_table')).toBe(false);
    expect((await recorded(url)).map((row) => row.migration_name)).toEqual(['20000101000000_first']);

    // A migration that never applied may still be fixed.
    await writeMigration('20000102000000_broken', 'CREATE TABLE half_table (id integer);\n');
    expect(await deployMigrations(url, { migrationsDir })).toEqual(['20000102000000_broken', '20000103000000_after']);
  });

  it('runs CREATE INDEX CONCURRENTLY outside a transaction, statement by statement', async () => {
    const url = await createEmptyDatabase();
    await freshMigrationsDir();
    await writeMigration('20000101000000_table', 'CREATE TABLE items (id integer, label text);');
    await writeMigration(
      '20000102000000_index',
      [
        '-- Built without blocking writes; cannot run in a transaction.',
        'CREATE INDEX CONCURRENTLY "items_label_idx" ON items (label);',
        "COMMENT ON TABLE items IS 'semi; colon';",
        'CREATE FUNCTION items_count() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM items; $$;',
      ].join('\n'),
    );

    expect(await deployMigrations(url, { migrationsDir })).toEqual(['20000101000000_table', '20000102000000_index']);
    expect(await query(url, "SELECT 1 FROM pg_indexes WHERE indexname = 'items_label_idx'")).toHaveLength(1);
    expect(await query(url, 'SELECT items_count()')).toHaveLength(1);
    expect((await recorded(url)).every((row) => row.finished_at !== null)).toBe(true);
  });

  it('records a failed non-transactional migration and refuses to start until it is resolved', async () => {
    const url = await createEmptyDatabase();
    await freshMigrationsDir();
    await writeMigration(
      '20000101000000_index',
      'CREATE TABLE items (id integer);\nCREATE INDEX CONCURRENTLY items_missing_idx ON missing_table (id);\n',
    );

    await expect(deployMigrations(url, { migrationsDir })).rejects.toMatchObject({
      name: 'MigrationFailedError',
      migrationName: '20000101000000_index',
      message: expect.stringContaining('failed in the statement at line 2: relation "missing_table" does not exist') as string,
    });
    const [failed] = await recorded(url);
    expect(failed).toMatchObject({ migration_name: '20000101000000_index', finished_at: null, rolled_back_at: null });
    expect(failed?.logs).toContain('missing_table');
    // Outside a transaction, the statement before the failure stays.
    expect(await tableExists(url, 'items')).toBe(true);

    await writeMigration('20000101000000_index', 'CREATE TABLE items (id integer);\nCREATE INDEX CONCURRENTLY items_idx ON items (id);\n');
    const refused = deployMigrations(url, { migrationsDir });
    await expect(refused).rejects.toBeInstanceOf(MigrationStateError);
    await expect(refused).rejects.toMatchObject({
      migrationName: '20000101000000_index',
      message: expect.stringContaining('Migration 20000101000000_index failed or was interrupted earlier') as string,
    });

    // The operator undoes the partial work and marks the attempt rolled back, as `prisma migrate resolve --rolled-back` would.
    await query(url, 'DROP TABLE items');
    await query(url, `UPDATE _prisma_migrations SET rolled_back_at = now() WHERE id = '${failed!.id}'`);
    expect(await deployMigrations(url, { migrationsDir })).toEqual(['20000101000000_index']);
    const rows = await recorded(url);
    expect(rows).toHaveLength(2);
    expect(rows.filter((row) => row.rolled_back_at === null && row.finished_at !== null)).toHaveLength(1);
  });
});
