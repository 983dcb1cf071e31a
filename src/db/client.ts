import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client.ts';
import { serialTransactions } from './serial-transactions.ts';
import { createUsersRepo, type UsersRepo } from './users.ts';
import { createProjectsRepo, type ProjectsRepo } from './projects.ts';
import { createTokensRepo, type TokensRepo } from './tokens.ts';
import { createCollaboratorsRepo, type CollaboratorsRepo } from './collaborators.ts';
import { createAdminRepo, type AdminRepo } from './admin.ts';
import { createTransfersRepo, type TransfersRepo } from './transfers.ts';
import { createStatsRepo, type StatsRepo } from './stats.ts';
import { createListRepo, type ListRepo } from './list.ts';
import { createExportRepo, type ExportRepo } from './export.ts';
import { createRateLimitsRepo, type RateLimitsRepo } from './rate-limits.ts';
import { createSessionsRepo, type SessionsRepo } from './sessions.ts';
import type { UnreadableProject } from '../domain/errors.ts';
import { toStoreError } from './errors.ts';
import type { UnreadableReport } from './projects.ts';
import { LOCKS, withAdvisoryLock } from './locks.ts';
import { createEmailCipher, type EmailKeys } from './email-crypto.ts';
import { createOutboxRepo, createOutboxWriter, type OutboxRepo, type OutboxWriter } from './outbox.ts';
import { createAutomationRunsRepo, type AutomationRunsRepo } from './automation-runs.ts';
import { createBadgeStore, type BadgeChangeWriter, type BadgesRepo } from './badges.ts';

/**
 * The only module that constructs the Prisma client. Everything else receives the
 * repositories below (or the shared pg pool, which the session store needs).
 */
export type Repositories = Pick<Database, 'users' | 'projects' | 'tokens' | 'admin' | 'collaborators' | 'transfers' | 'badgeChanges'> & {
  /** Mail and purges written in the same transaction as the change they report. */
  outbox: OutboxWriter;
};

export interface Database {
  pool: pg.Pool;
  users: UsersRepo;
  projects: ProjectsRepo;
  tokens: TokensRepo;
  admin: AdminRepo;
  collaborators: CollaboratorsRepo;
  transfers: TransfersRepo;
  /** Outgoing mail and CDN purges, delivered after commit by the outbox drainer. */
  outbox: OutboxRepo;
  /** Reporting queries and daily snapshots (project_stats). */
  stats: StatsRepo;
  /** Project list and search (read-only). */
  list: ListRepo;
  /** Bulk export in keyset batches (read-only). */
  export: ExportRepo;
  /** Rate-limit counters shared by every instance. */
  rateLimits: RateLimitsRepo;
  /** Housekeeping of the session store's table. */
  sessions: SessionsRepo;
  /** Automation runs queued by the edit pages, drained by every instance. */
  automationRuns: AutomationRunsRepo;
  /** Badge columns of one project, and change notices shared by every instance (src/db/badges.ts). */
  badges: BadgesRepo;
  /** Announces changed badges; the transaction's writer announces them on commit only. */
  badgeChanges: BadgeChangeWriter;
  /** Runs fn in one transaction with repositories bound to it. */
  transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T>;
  /** Runs fn while no other instance runs work under the same lock (src/db/locks.ts). */
  exclusively<T>(lock: keyof typeof LOCKS, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** `emailKeys` is config.emailKeys: every connection to one database must use the same keys. */
export function connectDatabase(url: string, options: { emailKeys: EmailKeys; max?: number; reportUnreadable?: UnreadableReport }): Database {
  // Without a logger (a second connection opened by a test), the warning still reaches stderr.
  const reportUnreadable = options.reportUnreadable ?? ((err: UnreadableProject) => {
    process.emitWarning(err.message);
  });
  const cipher = createEmailCipher(options.emailKeys);
  // A database that stops answering (not refusing) must become a 503 within seconds, not a
  // request that waits for a connection forever.
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, connectionTimeoutMillis: 5_000 });
  // An idle connection dropped by the server (restart, failover, shutdown) emits 'error' on the
  // pool; without a listener Node treats it as uncaught and the process dies.
  pool.on('error', () => undefined);
  const prisma = new PrismaClient({ adapter: serialTransactions(new PrismaPg(pool)) });
  const badgeStore = createBadgeStore(pool, url, prisma);
  return {
    pool,
    users: createUsersRepo(prisma, cipher),
    projects: createProjectsRepo(prisma),
    tokens: createTokensRepo(prisma, cipher),
    admin: createAdminRepo(prisma, cipher),
    collaborators: createCollaboratorsRepo(prisma, cipher),
    transfers: createTransfersRepo(prisma, cipher),
    outbox: createOutboxRepo(prisma, cipher),
    stats: createStatsRepo(prisma),
    list: createListRepo(pool, reportUnreadable),
    export: createExportRepo(pool, reportUnreadable),
    rateLimits: createRateLimitsRepo(prisma),
    sessions: createSessionsRepo(prisma),
    automationRuns: createAutomationRunsRepo(prisma, cipher),
    badges: badgeStore.repo,
    badgeChanges: badgeStore.writer,
    // Begin and commit fail outside any repository (a conflict found at commit, the database
    // gone): their errors get the same translation as the repositories'.
    transaction: <T>(fn: (tx: Repositories) => Promise<T>) => {
      let committed = (): void => undefined;
      return prisma
        .$transaction((tx) => {
          // Badge changes reach this instance's subscribers only after the commit, like NOTIFY.
          const badges = badgeStore.inTransaction(tx);
          committed = () => {
            badges.committed();
          };
          return fn({ users: createUsersRepo(tx, cipher), projects: createProjectsRepo(tx), tokens: createTokensRepo(tx, cipher), admin: createAdminRepo(tx, cipher), collaborators: createCollaboratorsRepo(tx, cipher), transfers: createTransfersRepo(tx, cipher), outbox: createOutboxWriter(tx, cipher), badgeChanges: badges.writer });
        })
        .then((result) => {
          committed();
          return result;
        })
        .catch((err: unknown) => {
          throw toStoreError(err);
        });
    },
    exclusively: (lock, fn) => withAdvisoryLock(pool, LOCKS[lock], fn),
    async close() {
      await badgeStore.close();
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
