import type { EmailCipher } from './email-crypto.ts';
import { withStoreErrors } from './errors.ts';
import type { Prisma, PrismaClient } from './generated/client.ts';
import type { JsonObject } from './outbox.ts';

type Client = Pick<PrismaClient, 'automationRun' | '$queryRaw'>;

export type AutomationRunStatus = 'queued' | 'running' | 'done' | 'failed';

export interface AutomationRunInsert {
  projectId: number;
  level: string;
  requestedById: number | null;
  reason: string;
  /** In clear here; stored encrypted, and only until the run ends. */
  githubToken?: string | null;
  repoUrl: string | null;
  requestId?: string | null;
}

export interface AutomationRunRow {
  id: string;
  projectId: number;
  level: string;
  requestedById: number | null;
  reason: string;
  status: AutomationRunStatus;
  attempts: number;
  repoUrl: string | null;
  createdAt: Date;
  claimedAt: Date | null;
  finishedAt: Date | null;
  /** Whatever the service stored (proposals, ran, skipped); the service validates it on reading. */
  result: unknown;
  lastError: string | null;
  requestId: string | null;
}

export interface ClaimedRun extends AutomationRunRow {
  /** Decrypted; null when the requester had none or it cannot be decrypted any more. */
  githubToken: string | null;
}

export interface AutomationRunsRepo {
  /**
   * Queues a run unless one for the same project and level is still queued or running (that one
   * is answered instead: a second click adds nothing).
   */
  enqueue(run: AutomationRunInsert): Promise<{ run: AutomationRunRow; created: boolean }>;
  /** The newest run of a project's level, whatever its status. */
  latest(projectId: number, level: string): Promise<AutomationRunRow | null>;
  /** The newest finished run of a project's level. */
  latestDone(projectId: number, level: string): Promise<AutomationRunRow | null>;
  /**
   * Claims due runs with FOR UPDATE SKIP LOCKED, so drainers in several instances never take the
   * same row; a run left 'running' longer than staleMs (its instance died) is claimed again.
   */
  claim(options: { batch: number; now: Date; staleMs: number }): Promise<ClaimedRun[]>;
  /** Done: the result is stored and the token wiped. */
  finish(id: string, now: Date, result: JsonObject): Promise<void>;
  /** Back to the queue for another attempt (the token kept for it). */
  retry(id: string, runAfter: Date, error: string): Promise<void>;
  /** Failed for good: the token wiped. */
  fail(id: string, now: Date, error: string): Promise<void>;
  /**
   * Deletes finished runs older than `before`, except the newest finished run of each project and
   * level (the edit form still shows its proposals). Answers the number deleted.
   */
  prune(before: Date): Promise<number>;
}

const select = {
  id: true,
  projectId: true,
  level: true,
  requestedById: true,
  reason: true,
  status: true,
  attempts: true,
  repoUrl: true,
  createdAt: true,
  claimedAt: true,
  finishedAt: true,
  result: true,
  lastError: true,
  requestId: true,
} as const;

type Selected = Prisma.AutomationRunGetPayload<{ select: typeof select }>;

const STATUSES: readonly AutomationRunStatus[] = ['queued', 'running', 'done', 'failed'];

function toRow(row: Selected): AutomationRunRow {
  const status = STATUSES.find((s) => s === row.status) ?? 'failed';
  return { ...row, id: row.id.toString(), status, result: row.result ?? null };
}

const TOKEN_FIELD = 'automation_runs.github_token';

export function createAutomationRunsRepo(db: Client, cipher: Pick<EmailCipher, 'encrypt' | 'decrypt'>): AutomationRunsRepo {
  const decrypt = (stored: string | null): string | null => {
    if (!stored) return null;
    try {
      return cipher.decrypt(stored, TOKEN_FIELD);
    } catch {
      // A retired key: the run goes on anonymously.
      return null;
    }
  };
  return withStoreErrors<AutomationRunsRepo>({
    async enqueue(run) {
      const pending = await db.automationRun.findFirst({
        where: { projectId: run.projectId, level: run.level, status: { in: ['queued', 'running'] } },
        orderBy: { id: 'desc' },
        select,
      });
      if (pending) return { run: toRow(pending), created: false };
      const created = await db.automationRun.create({
        data: {
          projectId: run.projectId,
          level: run.level,
          requestedById: run.requestedById,
          reason: run.reason,
          repoUrl: run.repoUrl,
          requestId: run.requestId ?? null,
          githubToken: run.githubToken ? cipher.encrypt(run.githubToken, TOKEN_FIELD) : null,
        },
        select,
      });
      return { run: toRow(created), created: true };
    },
    async latest(projectId, level) {
      const row = await db.automationRun.findFirst({ where: { projectId, level }, orderBy: { id: 'desc' }, select });
      return row ? toRow(row) : null;
    },
    async latestDone(projectId, level) {
      const row = await db.automationRun.findFirst({ where: { projectId, level, status: 'done' }, orderBy: { id: 'desc' }, select });
      return row ? toRow(row) : null;
    },
    async claim({ batch, now, staleMs }) {
      const stale = new Date(now.getTime() - staleMs);
      const ids = await db.$queryRaw<{ id: bigint; github_token: string | null }[]>`
        UPDATE automation_runs SET status = 'running', claimed_at = ${now}, attempts = attempts + 1
        WHERE id IN (
          SELECT id FROM automation_runs
          WHERE (status = 'queued' AND run_after <= ${now}) OR (status = 'running' AND claimed_at < ${stale})
          ORDER BY id
          LIMIT ${batch}
          FOR UPDATE SKIP LOCKED
        )
        RETURNING id, github_token`;
      if (ids.length === 0) return [];
      const tokens = new Map(ids.map((r) => [r.id.toString(), r.github_token]));
      const rows = await db.automationRun.findMany({ where: { id: { in: ids.map((r) => r.id) } }, orderBy: { id: 'asc' }, select });
      return rows.map((row) => ({ ...toRow(row), githubToken: decrypt(tokens.get(row.id.toString()) ?? null) }));
    },
    async finish(id, now, result) {
      await db.automationRun.update({ where: { id: BigInt(id) }, data: { status: 'done', finishedAt: now, result, githubToken: null, lastError: null } });
    },
    async retry(id, runAfter, error) {
      await db.automationRun.update({ where: { id: BigInt(id) }, data: { status: 'queued', runAfter, lastError: error } });
    },
    async fail(id, now, error) {
      await db.automationRun.update({ where: { id: BigInt(id) }, data: { status: 'failed', finishedAt: now, lastError: error, githubToken: null } });
    },
    async prune(before) {
      const deleted = await db.$queryRaw<{ count: bigint }[]>`
        WITH gone AS (
          DELETE FROM automation_runs r
          WHERE r.status IN ('done', 'failed') AND r.finished_at < ${before}
            AND r.id IS DISTINCT FROM (SELECT max(k.id) FROM automation_runs k WHERE k.project_id = r.project_id AND k.level = r.level AND k.status = 'done')
          RETURNING 1
        )
        SELECT count(*) AS count FROM gone`;
      return Number(deleted[0]?.count ?? 0);
    },
  });
}
