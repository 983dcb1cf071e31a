import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../src/db/embedded.ts';
import { deployMigrations } from '../src/db/migrate.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the maintenance database, used to create one database per test file. */
    pgAdminUrl: string;
    /** A migrated database that test databases are cloned from. */
    pgTemplate: string;
  }
}

let embedded: EmbeddedPostgresHandle | undefined;

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * One real PostgreSQL for the whole run: embedded (throwaway, random port) unless DATABASE_URL
 * points at a server where we may create databases. Migrations run once into a template.
 */
export async function setup(project: TestProject): Promise<void> {
  let adminUrl: string;
  if (process.env.DATABASE_URL) {
    adminUrl = withDatabase(process.env.DATABASE_URL, 'postgres');
  } else {
    embedded = await startEmbeddedPostgres({ database: 'postgres' });
    adminUrl = embedded.url;
  }
  const template = `badgeapp_test_template_${process.pid}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${template}`);
    await client.query(`CREATE DATABASE ${template}`);
  } finally {
    await client.end();
  }
  await deployMigrations(withDatabase(adminUrl, template));
  project.provide('pgAdminUrl', adminUrl);
  project.provide('pgTemplate', template);
}

export async function teardown(): Promise<void> {
  await embedded?.stop();
}
