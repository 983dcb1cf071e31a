import { randomBytes } from 'node:crypto';
import bcrypt from 'bcrypt';
import type { CriteriaSet, Level } from '../criteria/index.ts';
import type { StoredAnswers } from '../domain/project.ts';
import type { ServiceContext } from './context.ts';
import { initialScoreState, scoreChanges } from './project-scores.ts';
import { STATUS, badgeLevelName, computeScores } from './scoring/index.ts';

export interface SeedResult {
  created: boolean;
  credentials: { role: string; email: string; password: string }[];
}

/** Answers every criterion of the given levels as Met with a justification that satisfies any flag. */
function allMet(levels: Level[], upTo = Infinity): StoredAnswers {
  const answers: StoredAnswers = {};
  for (const level of levels) {
    level.criteria.slice(0, upTo).forEach((c) => {
      if (!c.prerequisite) {
        answers[c.id] = { status: STATUS.met, justification: `Documented at https://example.org/demo/${c.id}` };
      }
    });
  }
  return answers;
}

/**
 * Demo data for a fresh development database: an admin, a maintainer and a few projects at
 * different levels. Runs only when there are no users, so restarting never duplicates data,
 * and passwords are random and shown once.
 */
export async function seedDemoData(ctx: ServiceContext): Promise<SeedResult> {
  if ((await ctx.db.users.count()) > 0) return { created: false, credentials: [] };
  const password = () => randomBytes(9).toString('base64url');
  const credentials = [
    { role: 'admin', email: 'admin@example.org', password: password() },
    { role: 'maintainer', email: 'maintainer@example.org', password: password() },
  ];
  // Sequential so the admin is always user 1 and the maintainer user 2.
  const users = [];
  for (const c of credentials) {
    users.push(
      await ctx.db.users.createLocal({
        name: c.role === 'admin' ? 'Demo Admin' : 'Demo Maintainer',
        email: c.email,
        passwordDigest: await bcrypt.hash(c.password, ctx.config.bcryptCost),
        role: c.role === 'admin' ? 'admin' : null,
        activated: true,
      }),
    );
  }
  const maintainer = users[1]!;
  const metal = ctx.criteria.series('metal');
  const demos = [
    { name: 'Demo Silver Library', slug: 'silver-library', answers: allMet(metal.slice(0, 2)) },
    { name: 'Demo Passing Tool', slug: 'passing-tool', answers: allMet(metal.slice(0, 1)) },
    { name: 'Demo Starter Project', slug: 'starter', answers: allMet(metal.slice(0, 1), 30) },
    { name: 'Demo New Project', slug: 'new-project', answers: {} },
  ];
  for (const demo of demos) {
    const now = ctx.now();
    const scores = computeScores(ctx.criteria, demo.answers, initialScoreState(ctx.criteria), now);
    await ctx.db.projects.create({
      userId: maintainer.id,
      name: demo.name,
      description: `A demonstration entry (${demo.slug}) created on first start.`,
      homepageUrl: `https://example.org/${demo.slug}`,
      repoUrl: `https://github.com/example/${demo.slug}`,
      license: 'MIT',
      ...scoreChanges(ctx.criteria, scores),
    });
  }
  return { created: true, credentials };
}

// ---------------------------------------------------------------------------------------------
// Seed at scale (`npm run seed -- --projects N`): realistic volumes for benchmarks and plan tests.
// ---------------------------------------------------------------------------------------------

/** Deterministic PRNG (mulberry32): the same --seed gives the same data, so runs compare. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAME_HEADS = [
  'open', 'fast', 'tiny', 'secure', 'cloud', 'data', 'net', 'web', 'micro', 'hyper', 'libre', 'deep', 'rust',
  'py', 'go', 'node', 'java', 'kube', 'git', 'log', 'crypto', 'graph', 'stream', 'meta', 'auto', 'demo', 'core',
  'smart', 'quick', 'bright', 'free', 'pure', 'simple', 'zen', 'astro', 'terra', 'nova', 'pixel', 'vector', 'edge',
];
const NAME_TAILS = [
  'lib', 'kit', 'db', 'ql', 'flow', 'hub', 'ctl', 'fs', 'sync', 'proxy', 'parser', 'shell', 'box', 'tools', 'scan',
  'guard', 'store', 'cache', 'mesh', 'bot', 'cli', 'api', 'view', 'forge', 'lint', 'test', 'pack', 'vault', 'map', 'bench',
];
const TOPICS = [
  'a fast JSON parser', 'a command-line tool for managing certificates', 'a library for parsing dates',
  'a static site generator', 'a container image scanner', 'a message queue client', 'a plotting library',
  'a web framework', 'an embedded key-value store', 'a compiler front end', 'a package manager plugin',
  'a metrics exporter', 'a configuration loader', 'a terminal user interface toolkit', 'a build system',
];
const LICENSES = ['MIT', 'Apache-2.0', 'GPL-3.0-or-later', 'BSD-3-Clause', 'MPL-2.0', 'LGPL-2.1-or-later', 'ISC'];
const LANGUAGES = ['C', 'C++', 'Go', 'Java', 'JavaScript', 'Python', 'Rust', 'TypeScript', 'Ruby', 'PHP', 'Shell'];

/** What a seeded project has reached: most are unfinished, fewer reach each higher level. */
type Stage = 'new' | 'started' | 'passing' | 'silver_started' | 'silver' | 'gold_started' | 'gold';
const STAGES: [Stage, number][] = [
  ['new', 0.06], ['started', 0.56], ['passing', 0.2], ['silver_started', 0.08], ['silver', 0.05], ['gold_started', 0.03], ['gold', 0.02],
];

export interface ScaleSeedOptions {
  projects: number;
  /** Default: one user per 30 projects (a few thousand for 100k), at least one. */
  users?: number;
  /** PRNG seed: the same value gives the same names, answers and dates. */
  seed?: number;
  batchSize?: number;
  /** Called after each batch is written. */
  onProgress?: (done: number, total: number) => void;
}

export interface ScaleSeedResult {
  users: number;
  projects: number;
  changes: number;
  collaborators: number;
  /** How many seeded projects reached each metal badge level (in_progress, passing, silver, gold). */
  levels: Record<string, number>;
}

/** Where the rows go (src/db/seed.ts): passed in so this module stays free of SQL. */
export interface ScaleSeedWriter {
  insertUsers(users: { provider: 'local' | 'github'; uid: string | null; name: string; nickname: string | null; email: string; passwordDigest: string | null; createdAt: Date }[]): Promise<number[]>;
  insertProjects(rows: (Record<string, unknown> & { repo_url: string; created_at: string; updated_at: string })[]): Promise<number[]>;
  insertChanges(rows: { project_id: number; user_id: number | null; kind: string; changes: Record<string, [unknown, unknown]>; created_at: string }[]): Promise<void>;
  insertCollaborators(rows: { project_id: number; user_id: number }[]): Promise<void>;
  analyze(): Promise<void>;
}

const SEED_START = Date.parse('2016-05-01T00:00:00Z');
const SEED_END = Date.parse('2026-11-01T00:00:00Z');

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]!;
}

function stageOf(rand: () => number): Stage {
  let r = rand();
  for (const [stage, share] of STAGES) {
    if (r < share) return stage;
    r -= share;
  }
  return 'started';
}

/**
 * Answers for one level. `share` of the criteria are answered (1 = all, which completes the
 * level); answered criteria are mostly Met, with the justification or URL each criterion asks
 * for, some N/A where allowed and a few Unmet. Prerequisite criteria are left to the scoring engine.
 */
function answerLevel(rand: () => number, level: Level, share: number, url: string, into: StoredAnswers): void {
  for (const c of level.active) {
    if (c.prerequisite || rand() >= share) continue;
    const roll = share >= 1 ? 0 : rand();
    if (roll > 0.95 && c.category !== 'MUST') {
      into[c.id] = { status: STATUS.unmet, justification: 'Not done yet; planned for a later release.' };
    } else if (roll > 0.9 && c.na_allowed) {
      into[c.id] = { status: STATUS.na, justification: 'Does not apply: the project has no such component.' };
    } else {
      const wordy = c.met_url_required || c.met_justification_required || rand() < 0.3;
      into[c.id] = { status: STATUS.met, justification: wordy ? `See ${url}/docs/${c.id}` : null };
    }
  }
}

function seedAnswers(rand: () => number, set: CriteriaSet, stage: Stage, url: string): StoredAnswers {
  const answers: StoredAnswers = {};
  const [passing, silver, gold] = set.series('metal');
  const partial = () => 0.05 + rand() * 0.9;
  const plan: [Level | undefined, number][] = {
    new: [],
    started: [[passing, partial()]],
    passing: [[passing, 1]],
    silver_started: [[passing, 1], [silver, partial()]],
    silver: [[passing, 1], [silver, 1]],
    gold_started: [[passing, 1], [silver, 1], [gold, partial()]],
    gold: [[passing, 1], [silver, 1], [gold, 1]],
  }[stage] as [Level | undefined, number][];
  for (const [level, share] of plan) if (level) answerLevel(rand, level, share, url, answers);
  // Baseline is newer and answered by fewer projects, independently of the metal levels.
  const [baseline1, baseline2] = set.series('baseline');
  const b = rand();
  if (baseline1 && b < 0.15) answerLevel(rand, baseline1, b < 0.04 ? 1 : partial(), url, answers);
  if (baseline2 && b < 0.01) answerLevel(rand, baseline2, partial(), url, answers);
  return answers;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Fills the database with `projects` realistic entries and a few thousand owners, in batches of
 * set-based INSERTs (see src/db/seed.ts), each project scored by the real scoring engine before
 * it is written; then refreshes the planner's statistics. Adds to what is there: every URL and
 * address carries a run tag, so seeding twice does not collide.
 */
export async function seedAtScale(
  ctx: Pick<ServiceContext, 'criteria' | 'config'>,
  writer: ScaleSeedWriter,
  options: ScaleSeedOptions,
): Promise<ScaleSeedResult> {
  const set = ctx.criteria;
  const rand = prng(options.seed ?? 12);
  const tag = randomBytes(3).toString('hex');
  const batchSize = Math.max(1, options.batchSize ?? 2000);
  const total = Math.max(0, Math.floor(options.projects));
  const userCount = Math.max(1, options.users ?? Math.ceil(total / 30));
  // Nobody knows this password: seeded local accounts exist to own projects, not to log in.
  const digest = await bcrypt.hash(randomBytes(16).toString('hex'), ctx.config.bcryptCost);

  const userIds: number[] = [];
  for (let start = 0; start < userCount; start += batchSize) {
    const users = [];
    for (let i = start; i < Math.min(userCount, start + batchSize); i++) {
      const github = rand() < 0.7;
      const nick = `${pick(rand, NAME_HEADS)}${pick(rand, NAME_TAILS)}-${tag}-${i}`;
      users.push({
        provider: github ? ('github' as const) : ('local' as const),
        uid: github ? String(1_000_000 + i) : null,
        name: `Seeded Maintainer ${i}`,
        nickname: github ? nick : null,
        email: `${nick}@seed.example.org`,
        passwordDigest: github ? null : digest,
        createdAt: new Date(SEED_START + (i / userCount) * (SEED_END - SEED_START)),
      });
    }
    userIds.push(...(await writer.insertUsers(users)));
  }

  const result: ScaleSeedResult = { users: userIds.length, projects: 0, changes: 0, collaborators: 0, levels: {} };
  const span = (SEED_END - SEED_START) / Math.max(total, 1);
  const scoreFields = (scores: ReturnType<typeof scoreChanges>): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(scores)) {
      if (key === 'answers') continue;
      out[key.replace(/([A-Z])/g, '_$1').replace(/(\d+)/g, '_$1').toLowerCase()] = value instanceof Date ? value.toISOString() : value;
    }
    return out;
  };

  const buildBatch = (start: number) => {
    const projects: Parameters<ScaleSeedWriter['insertProjects']>[0] = [];
    const extras: { owner: number; name: string; repo: string; created: string; updated: string; edit: boolean; collaborator: number | null }[] = [];
    for (let i = start; i < Math.min(total, start + batchSize); i++) {
      const owner = userIds[Math.floor(Math.pow(rand(), 1.6) * userIds.length)]!;
      const name = rand() < 0.85 ? `${pick(rand, NAME_HEADS)}${pick(rand, NAME_TAILS)}` : `${pick(rand, NAME_HEADS)}-${pick(rand, NAME_TAILS)}-${i % 97}`;
      const repo = `https://github.com/seed-${tag}/${name}-${i}`;
      const homepage = rand() < 0.6 ? `https://${name}-${i}.seed-${tag}.example.org` : repo;
      const created = SEED_START + i * span + rand() * span;
      const updated = created + rand() * (SEED_END - created);
      const stage = stageOf(rand);
      const answers = seedAnswers(rand, set, stage, homepage);
      const scores = scoreChanges(set, computeScores(set, answers, initialScoreState(set), new Date(updated)));
      const fields = scoreFields(scores);
      const level = badgeLevelName(set, scores.tieredPercentage ?? 0);
      result.levels[level] = (result.levels[level] ?? 0) + 1;
      projects.push({
        user_id: owner,
        name,
        description: `${name} is ${pick(rand, TOPICS)}.`,
        homepage_url: homepage,
        repo_url: repo,
        license: pick(rand, LICENSES),
        implementation_languages: `${pick(rand, LANGUAGES)}, ${pick(rand, LANGUAGES)}`,
        answers: scores.answers,
        ...fields,
        passing_saved: stage !== 'new' && stage !== 'started',
        lock_version: stage === 'new' ? 0 : 1 + Math.floor(rand() * 5),
        created_at: iso(created),
        updated_at: iso(updated),
      });
      extras.push({
        owner, name, repo, created: iso(created), updated: iso(updated),
        edit: stage !== 'new',
        collaborator: rand() < 0.05 ? userIds[Math.floor(rand() * userIds.length)]! : null,
      });
    }
    return { projects, extras };
  };

  // Building the next batch (CPU: answers and scores) overlaps with writing the previous one.
  let pending: Promise<void> = Promise.resolve();
  for (let start = 0; start < total; start += batchSize) {
    const batch = buildBatch(start);
    await pending;
    pending = (async () => {
      const ids = await writer.insertProjects(batch.projects);
      const changes: Parameters<ScaleSeedWriter['insertChanges']>[0] = [];
      const collaborators: { project_id: number; user_id: number }[] = [];
      batch.extras.forEach((e, k) => {
        const id = ids[k]!;
        changes.push({ project_id: id, user_id: e.owner, kind: 'create', changes: { name: [null, e.name], repo_url: [null, e.repo] }, created_at: e.created });
        if (e.edit) changes.push({ project_id: id, user_id: e.owner, kind: 'edit', changes: { tiered_percentage: [0, batch.projects[k]!.tiered_percentage] }, created_at: e.updated });
        if (e.collaborator !== null && e.collaborator !== e.owner) collaborators.push({ project_id: id, user_id: e.collaborator });
      });
      await writer.insertChanges(changes);
      await writer.insertCollaborators(collaborators);
      result.projects += ids.length;
      result.changes += changes.length;
      result.collaborators += collaborators.length;
      options.onProgress?.(result.projects, total);
    })();
  }
  await pending;
  await writer.analyze();
  return result;
}
