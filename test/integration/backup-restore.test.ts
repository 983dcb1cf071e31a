import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmod, chown, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { criteria } from '../../src/criteria/index.ts';
import { connectDatabase } from '../../src/db/client.ts';
import { exists } from '../../src/db/files.ts';
import { deployMigrations } from '../../src/db/migrate.ts';
import type { ServiceContext } from '../../src/services/context.ts';
import { testEmailKeys } from '../support/database.ts';
import { createProject, createUser } from '../support/factories.ts';
import { freePort } from '../support/server-process.ts';
import { findClient, serverMajor } from '../../scripts/lib/pg-tools.ts';

const execFileAsync = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

/**
 * The scripts need a pg_dump at least as new as the server. The run's embedded server is
 * PostgreSQL 18; when no client that new is installed (Debian 12 ships 15), the test starts a
 * throwaway cluster from the newest Debian server binaries the installed client can dump.
 */
interface Server {
  adminUrl: string;
  stop(): Promise<void>;
}

async function newestClientMajor(): Promise<number> {
  try {
    return (await findClient('pg_dump', 0)).major;
  } catch {
    return 0;
  }
}

async function debianCluster(maxMajor: number): Promise<Server | null> {
  const debianRoot = '/usr/lib/postgresql';
  if (!(await exists(debianRoot))) return null;
  const version = (await readdir(debianRoot)).map(Number).filter((v) => v > 0 && v <= maxMajor).sort((a, b) => b - a)[0];
  if (version === undefined) return null;
  const bin = path.join(debianRoot, String(version), 'bin');
  if (!(await exists(path.join(bin, 'postgres')))) return null;
  // PostgreSQL refuses to run as root; as root, run it as the postgres system user.
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot
    ? { uid: Number((await execFileAsync('id', ['-u', 'postgres'])).stdout), gid: Number((await execFileAsync('id', ['-g', 'postgres'])).stdout) }
    : null;
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'badgeapp-backup-pg-'));
  await chmod(tmp, 0o755);
  const dataDir = path.join(tmp, 'data');
  const ids = owner ? { uid: owner.uid, gid: owner.gid } : {};
  if (owner) await chown(tmp, owner.uid, owner.gid);
  await execFileAsync(path.join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '--encoding=UTF8', '--locale=C.UTF-8'], { ...ids });
  const port = await freePort();
  const server: ChildProcess = spawn(
    path.join(bin, 'postgres'),
    ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=off'],
    { ...ids, stdio: 'ignore' },
  );
  const adminUrl = `postgresql://postgres@127.0.0.1:${String(port)}/postgres`;
  for (let attempt = 0; ; attempt++) {
    const client = new pg.Client({ connectionString: adminUrl });
    try {
      await client.connect();
      await client.end();
      break;
    } catch (error) {
      if (attempt > 100) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    adminUrl,
    async stop() {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGINT');
      await exited;
      await rm(tmp, { recursive: true, force: true });
    },
  };
}

async function createDatabase(adminUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs an npm script exactly as an operator would, against the given database. */
async function npmRun(script: string, args: string[], databaseUrl: string): Promise<string> {
  const { stdout } = await execFileAsync('npm', ['run', '--silent', script, '--', ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl, NODE_ENV: 'development', LOG_LEVEL: 'silent' },
  });
  return stdout;
}

async function snapshot(url: string): Promise<Record<string, unknown[]>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const users = await client.query('SELECT id, name, email, password_digest, role, activated FROM users ORDER BY id');
    const projects = await client.query('SELECT id, user_id, name, repo_url, answers, badge_percentage_0, lock_version FROM projects ORDER BY id');
    const history = await client.query('SELECT id, project_id, user_id, kind, changes, created_at FROM project_changes ORDER BY id');
    const migrations = await client.query('SELECT migration_name FROM _prisma_migrations ORDER BY migration_name');
    return { users: users.rows, projects: projects.rows, history: history.rows, migrations: migrations.rows };
  } finally {
    await client.end();
  }
}

let server: Server | null = null;
let reason = '';
let tmpDir = '';

beforeAll(async () => {
  tmpDir = await mkdtemp(path.join(os.tmpdir(), 'badgeapp-backup-'));
  const embeddedAdmin = inject('pgAdminUrl');
  const client = await newestClientMajor();
  if (client >= (await serverMajor(embeddedAdmin))) {
    server = { adminUrl: embeddedAdmin, stop: () => Promise.resolve() };
    return;
  }
  server = await debianCluster(client);
  if (!server) reason = `no pg_dump for the embedded PostgreSQL and no Debian PostgreSQL server of version ${String(client)} or older`;
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await rm(tmpDir, { recursive: true, force: true });
});

describe('npm run db:backup / db:restore', () => {
  it('restores users, projects with their answers and history into a fresh database', async (context) => {
    if (!server) {
      // CI installs the tools (.ci/run); there a missing tool is a failure, not a skip.
      if (process.env.CI) throw new Error(reason);
      context.skip(reason);
      return;
    }
    const suffix = `${String(process.pid)}_${String(Date.now())}`;
    const sourceUrl = await createDatabase(server.adminUrl, `badgeapp_backup_src_${suffix}`);
    await deployMigrations(sourceUrl, { log: () => undefined });
    const db = connectDatabase(sourceUrl, { max: 2, emailKeys: testEmailKeys });
    try {
      const ctx = { db, criteria: criteria(), now: () => new Date() } as unknown as ServiceContext;
      const owner = await createUser(ctx, { name: 'Dump Owner' });
      const other = await createUser(ctx, { name: 'Dump Collaborator', role: 'admin' });
      const project = await createProject(ctx, owner, {
        name: 'Backed up',
        answers: { interact: { status: 3, justification: 'Via the issue tracker.' }, contribution: { status: 2, justification: null } },
      });
      await createProject(ctx, other, { name: 'Another one' });
      await db.projects.recordChange(project.id, owner.id, 'create', {}, new Date('2026-01-02T03:04:05Z'));
      await db.projects.recordChange(project.id, other.id, 'edit', { name: ['Before', 'Backed up'] }, new Date('2026-02-03T04:05:06Z'));
    } finally {
      await db.close();
    }
    const before = await snapshot(sourceUrl);
    expect(before.users).toHaveLength(2);
    expect(before.history).toHaveLength(2);

    const file = path.join(tmpDir, 'badgeapp.dump');
    expect(await npmRun('db:backup', [file], sourceUrl)).toContain(`to ${file}`);
    const { mode } = await stat(file);
    expect(mode & 0o077).toBe(0);

    const targetUrl = await createDatabase(server.adminUrl, `badgeapp_backup_dst_${suffix}`);
    expect(await npmRun('db:restore', [file], targetUrl)).toContain('Restored');
    const after = await snapshot(targetUrl);
    expect(after).toEqual(before);
    expect(JSON.stringify(after.projects)).toContain('Via the issue tracker.');
  }, 120_000);
});
