/**
 * Automation runs as a job (spec §7.3): requests and saves only queue a run; a drainer in every
 * instance claims queued runs (SKIP LOCKED), reads the repository through the forges, and stores
 * the merged proposals. The edit form later classifies the newest finished run against the
 * project's current answers, so nothing a detective says is stored as an answer until a person
 * saves the form. No request ever waits for a forge.
 */
import type { Level } from '../../criteria/index.ts';
import type { AutomationRunRow, ClaimedRun } from '../../db/automation-runs.ts';
import type { JsonObject } from '../../db/outbox.ts';
import { MAX_CONFIDENCE, type Evidence, type Explanation, type FieldName, type ProposedValue } from '../../domain/automation.ts';
import type { Project, StatusCode } from '../../domain/project.ts';
import type { User } from '../../domain/user.ts';
import { currentRequestId } from '../../request-context.ts';
import type { ServiceContext } from '../context.ts';
import { createSafeFetch, type SafeFetch } from '../forges/fetch.ts';
import { forgeRepoFor } from '../forges/index.ts';
import { drainJobs, startPollingWorker, type PollingWorker } from '../polling-worker.ts';
import {
  automatableFields,
  classifyAndApply,
  isJustificationField,
  isStatusField,
  pairedField,
  productionDetectives,
  projectFieldValues,
  proposeChanges,
  type ClassifyResult,
  type DetectiveSet,
  type EngineProposal,
  type EngineProposals,
  type SkippedDetective,
} from './index.ts';

export const RUN_REASONS = ['first_edit', 'save_continue', 'repo_url', 'on_demand'] as const;
export type RunReason = (typeof RUN_REASONS)[number];

/** A run as the edit page shows it. */
export interface RunStatusView {
  id: string;
  status: AutomationRunRow['status'];
  reason: string;
  createdAt: Date;
  finishedAt: Date | null;
}

/** What the edit form needs from automation for one level. */
export interface FormAutomation {
  /** Whether runs are queued at all (AUTOMATION_ENABLED). */
  enabled: boolean;
  /** The newest run (any status), or null when none was ever asked for. */
  latest: RunStatusView | null;
  /** The finished run whose proposals are shown (null: none, or it was about another repository). */
  shown: RunStatusView | null;
  /** Proposals classified against the project's answers (nothing of it is stored). */
  classified: ClassifyResult | null;
  /** Detectives that did not contribute, with their reasons. */
  skipped: SkippedDetective[];
}

const MAX_ATTEMPTS = 3;
// A run makes many bounded fetches (each at most 10 s); one that outlives this is abandoned, and
// a claim older than STALE_MS belongs to an instance that died mid-run.
const RUN_TIMEOUT_MS = 120_000;
const STALE_MS = 5 * 60_000;
const BATCH = 5;
// Finished runs are kept a month (each level's newest finished run always), pruned hourly.
const KEEP_MS = 30 * 24 * 60 * 60_000;
const PRUNE_EVERY_MS = 60 * 60_000;

const detectiveSets = new WeakMap<ServiceContext['criteria'], DetectiveSet>();

/** The production detectives of a criteria set, built once. */
export function detectivesFor(ctx: Pick<ServiceContext, 'criteria'>): DetectiveSet {
  let set = detectiveSets.get(ctx.criteria);
  if (!set) {
    set = productionDetectives(ctx.criteria);
    detectiveSets.set(ctx.criteria, set);
  }
  return set;
}

function view(run: AutomationRunRow | null): RunStatusView | null {
  return run ? { id: run.id, status: run.status, reason: run.reason, createdAt: run.createdAt, finishedAt: run.finishedAt } : null;
}

/** The `<level>_saved` flag: whether the level's form was ever saved. */
function levelSaved(project: Project, level: Level): boolean {
  const key = `${level.key.replace(/-/g, '')}Saved`;
  const flags = project as unknown as Record<string, unknown>;
  return flags[key] === true;
}

export interface Requester {
  user?: Pick<User, 'id' | 'provider'> | undefined;
  /** The session's GitHub OAuth token, when the user logged in with GitHub. */
  githubToken?: string | undefined;
}

/**
 * Queues a run for the project's level unless one is already waiting. The requester's GitHub
 * token travels with it, encrypted, and is wiped when the run ends. Answers whether a new run
 * was queued; nothing is queued when automation is switched off.
 */
export async function requestAutomationRun(ctx: ServiceContext, project: Project, level: Level, reason: RunReason, requester: Requester = {}): Promise<boolean> {
  if (!ctx.config.automation.enabled) return false;
  const token = requester.user?.provider === 'github' ? requester.githubToken : undefined;
  const { created } = await ctx.db.automationRuns.enqueue({
    projectId: project.id,
    level: level.key,
    requestedById: requester.user?.id ?? null,
    reason,
    githubToken: token ?? null,
    repoUrl: project.repoUrl,
    requestId: currentRequestId() ?? null,
  });
  return created;
}

/**
 * First visit of a level's form (spec §7.3): queue a run when the level was never saved and no
 * run exists yet for the repository the project names now.
 */
export async function requestFirstEditRun(ctx: ServiceContext, project: Project, level: Level, requester: Requester): Promise<boolean> {
  if (!ctx.config.automation.enabled || levelSaved(project, level)) return false;
  const latest = await ctx.db.automationRuns.latest(project.id, level.key);
  if (latest && latest.repoUrl === project.repoUrl && latest.status !== 'failed') return false;
  return requestAutomationRun(ctx, project, level, 'first_edit', requester);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isExplanation(value: unknown): value is Explanation {
  return isRecord(value) && typeof value.key === 'string' && (value.params === undefined || isRecord(value.params));
}

function isProposal(value: unknown): value is EngineProposal {
  return (
    isRecord(value) &&
    (typeof value.value === 'string' || typeof value.value === 'number') &&
    typeof value.confidence === 'number' &&
    typeof value.field === 'string' &&
    typeof value.detective === 'string' &&
    typeof value.forced === 'boolean' &&
    isExplanation(value.explanation) &&
    (value.evidenceUrl === undefined || typeof value.evidenceUrl === 'string')
  );
}

/** A stored result read defensively: rows written by an older version must not break a form. */
function storedResult(value: unknown): { proposals: EngineProposals; skipped: SkippedDetective[] } {
  const proposals: EngineProposals = {};
  const skipped: SkippedDetective[] = [];
  if (!isRecord(value)) return { proposals, skipped };
  if (isRecord(value.proposals)) {
    for (const [field, proposal] of Object.entries(value.proposals)) if (isProposal(proposal) && proposal.field === field) proposals[field] = proposal;
  }
  if (Array.isArray(value.skipped)) {
    for (const s of value.skipped) if (isRecord(s) && typeof s.detective === 'string' && isExplanation(s.reason)) skipped.push({ detective: s.detective, reason: s.reason });
  }
  return { proposals, skipped };
}

/** On-demand runs per project and per requesting user in ON_DEMAND_WINDOW_MS. */
const ON_DEMAND_LIMIT = 5;
const ON_DEMAND_WINDOW_MS = 10 * 60_000;

export type OnDemandOutcome = 'queued' | 'already_queued' | 'rate_limited' | 'disabled';

/**
 * "Check my repository again": queues an on-demand run, at most ON_DEMAND_LIMIT per project and
 * per user in ten minutes (shared counters, so every instance counts), because each run makes
 * outbound requests on the project's behalf.
 */
export async function checkRepositoryAgain(ctx: ServiceContext, project: Project, level: Level, requester: Requester): Promise<OnDemandOutcome> {
  if (!ctx.config.automation.enabled) return 'disabled';
  const keys = [`automation-project:${project.id}`, ...(requester.user ? [`automation-user:${requester.user.id}`] : [])];
  for (const key of keys) {
    const { hits } = await ctx.db.rateLimits.hit(key, ON_DEMAND_WINDOW_MS);
    if (hits > ON_DEMAND_LIMIT) return 'rate_limited';
  }
  return (await requestAutomationRun(ctx, project, level, 'on_demand', requester)) ? 'queued' : 'already_queued';
}

/** Text of an explanation in the project's entry language, with the evidence link after it. */
export function explanationText(ctx: Pick<ServiceContext, 'i18n'>, locale: string, explanation: Explanation, evidenceUrl?: string): string {
  const text = ctx.i18n.t(explanation.key, { ...explanation.params, lng: locale });
  // Most explanations already cite their evidence; the link is added only where one does not.
  return evidenceUrl && !text.includes(evidenceUrl) ? `${text} ${evidenceUrl}` : text;
}

// URL proposals (spec §7.3): an overrides list longer than this, or with more patterns, is ignored.
const MAX_OVERRIDES_CHARS = 10_000;
const MAX_OVERRIDE_PATTERNS = 1_000;
// Longest proposed text taken from a URL (the form's own limits still apply when it is saved).
const MAX_URL_VALUE = 8_192;
const STATUS_WORDS: Readonly<Record<string, StatusCode>> = { met: 3, unmet: 1, 'n/a': 2, na: 2 };

/**
 * Shell-style match (`*` any run, `?` one character) without regular expressions, so a pattern
 * from a URL cannot make matching slow: one pass with a single back-up point.
 */
export function globMatches(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let mark = 0;
  while (t < text.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === text[t])) {
      p++;
      t++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      mark = t;
    } else if (star >= 0) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

function firstString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * Proposals carried by the edit page's URL (`?field=value&overrides=glob,glob`): only the level's
 * automatable fields; statuses by name (case-insensitive, `?` and unknown words ignored); a field
 * matching an override pattern is forced, and forcing a status forces its justification.
 */
export function urlProposals(fields: readonly FieldName[], query: Readonly<Record<string, unknown>>): EngineProposals {
  const permitted = new Set(fields);
  const overrides = firstString(query.overrides) ?? '';
  let patterns = overrides.length > MAX_OVERRIDES_CHARS ? [] : overrides.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (patterns.length > MAX_OVERRIDE_PATTERNS) patterns = [];
  const forcedField = (field: FieldName) => patterns.some((p) => globMatches(p, field));
  const proposals: EngineProposals = {};
  for (const [field, raw] of Object.entries(query)) {
    if (!permitted.has(field)) continue;
    const text = firstString(raw)?.trim();
    if (text === undefined || text === '') continue;
    let value: ProposedValue;
    if (isStatusField(field)) {
      const status = STATUS_WORDS[text.toLowerCase()];
      if (status === undefined) continue;
      value = status;
    } else {
      value = text.slice(0, MAX_URL_VALUE);
    }
    const status = pairedField(field);
    const forced = forcedField(field) || (isJustificationField(field) && status !== undefined && forcedField(status));
    proposals[field] = { field, value, confidence: forced ? MAX_CONFIDENCE : 3, forced, detective: 'url', explanation: { key: 'automation_runs:url_proposal' } };
  }
  return proposals;
}

/**
 * Automation for one level's edit form: the newest run's status, and the newest finished run's
 * proposals plus the URL's proposals, classified against the project's current answers (spec
 * §7.4). A run about another repository than the one the project names now is not shown.
 */
export async function formAutomation(ctx: ServiceContext, project: Project, level: Level, query: Readonly<Record<string, unknown>> = {}): Promise<FormAutomation> {
  const latest = await ctx.db.automationRuns.latest(project.id, level.key);
  const done = latest?.status === 'done' ? latest : await ctx.db.automationRuns.latestDone(project.id, level.key);
  const shown = done && done.repoUrl === project.repoUrl ? done : null;
  const stored = shown ? storedResult(shown.result) : { proposals: {}, skipped: [] };
  const fields = automatableFields(ctx.criteria, level.key);
  const proposals = { ...stored.proposals, ...urlProposals(fields, query) };
  const classified =
    Object.keys(proposals).length === 0
      ? null
      : classifyAndApply(projectFieldValues(project), proposals, {
          permittedFields: fields,
          explain: (explanation, evidenceUrl) => explanationText(ctx, project.entryLocale, explanation, evidenceUrl),
        });
  return { enabled: ctx.config.automation.enabled, latest: view(latest), shown: view(shown), classified, skipped: stored.skipped };
}

/** What detectives may see of the outside world during one run (fetches cached for the run). */
export function runEvidence(ctx: Pick<ServiceContext, 'config'>, project: Pick<Project, 'repoUrl'>, githubToken: string | null, fetch?: SafeFetch): Evidence {
  const safeFetch = fetch ?? createSafeFetch({ allowHosts: ctx.config.fetchAllowHosts, userAgent: `BadgeApp automation (+${ctx.config.publicUrl})` });
  const headers = new Map<string, Promise<Record<string, string> | null>>();
  return {
    repo: forgeRepoFor(project.repoUrl, ctx.config.forges, { fetch: safeFetch, githubToken: githubToken ?? undefined }),
    siteHeaders(url) {
      let hit = headers.get(url);
      if (!hit) {
        hit = safeFetch(url, { headersOnly: true }).then(
          (res) => (res.status >= 200 && res.status < 400 ? res.headers : null),
          () => null,
        );
        headers.set(url, hit);
      }
      return hit;
    },
  };
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`automation run took longer than ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function execute(ctx: ServiceContext, run: ClaimedRun): Promise<JsonObject | null> {
  const project = await ctx.db.projects.findById(run.projectId);
  const level = ctx.criteria.level(run.level);
  // Deleted meanwhile, or a level that no longer exists: nothing to propose.
  if (!project || !level) return null;
  const result = await withTimeout(
    proposeChanges(detectivesFor(ctx), runEvidence(ctx, project, run.githubToken), projectFieldValues(project), {
      neededFields: automatableFields(ctx.criteria, level.key),
      logger: ctx.logger,
    }),
    RUN_TIMEOUT_MS,
  );
  // Explanations and values are plain JSON; the round trip drops undefined members.
  return JSON.parse(JSON.stringify({ proposals: result.proposals, ran: result.ran, skipped: result.skipped })) as JsonObject;
}

export interface DrainRunsResult {
  done: number;
  retried: number;
  failed: number;
}

/** Back-off between attempts of a failed run: 30 s, 60 s, … */
function retryDelayMs(attempts: number): number {
  return 30_000 * attempts;
}

/**
 * Runs every due automation run (bounded per call). A run that throws (database trouble, a
 * time-out) is retried up to MAX_ATTEMPTS, then marked failed; a detective's own failure is not
 * one of those: the engine records it under `skipped` and the run still finishes.
 */
export async function drainAutomationRuns(ctx: ServiceContext, maxBatches = 4): Promise<DrainRunsResult> {
  const outcome: DrainRunsResult = { done: 0, retried: 0, failed: 0 };
  await drainJobs(outcome, {
    maxBatches,
    batch: BATCH,
    maxAttempts: MAX_ATTEMPTS,
    claim: () => ctx.db.automationRuns.claim({ batch: BATCH, now: ctx.now(), staleMs: STALE_MS }),
    async run(run) {
      const result = await execute(ctx, run);
      if (result === null) {
        await ctx.db.automationRuns.fail(run.id, ctx.now(), 'project or level no longer exists');
        outcome.failed++;
        return;
      }
      await ctx.db.automationRuns.finish(run.id, ctx.now(), result);
      ctx.logger.info('automation run finished', { runId: run.id, projectId: run.projectId, level: run.level });
      outcome.done++;
    },
    async giveUp(run, error) {
      await ctx.db.automationRuns.fail(run.id, ctx.now(), error);
      ctx.logger.error('automation run failed', { runId: run.id, projectId: run.projectId, attempts: run.attempts, error });
    },
    async retry(run, error) {
      await ctx.db.automationRuns.retry(run.id, new Date(ctx.now().getTime() + retryDelayMs(run.attempts)), error);
      ctx.logger.warn('automation run failed, will retry', { runId: run.id, projectId: run.projectId, attempts: run.attempts, error });
    },
  });
  return outcome;
}

export type AutomationWorker = PollingWorker;

/** Polls in every instance, like the outbox; claims with SKIP LOCKED make that safe. */
export function startAutomationWorker(ctx: ServiceContext, pollMs = ctx.config.automation.pollMs): AutomationWorker {
  return startPollingWorker({
    name: 'automation',
    pollMs,
    drain: () => drainAutomationRuns(ctx),
    logger: ctx.logger,
    chores: [{ everyMs: PRUNE_EVERY_MS, run: () => pruneAutomationRuns(ctx), failureMessage: 'automation run pruning failed' }],
  });
}

/** Deletes finished runs older than a month, keeping each level's newest finished run. */
export function pruneAutomationRuns(ctx: Pick<ServiceContext, 'db' | 'now'>): Promise<number> {
  return ctx.db.automationRuns.prune(new Date(ctx.now().getTime() - KEEP_MS));
}
