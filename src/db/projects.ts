import { z } from 'zod';
import { Prisma, type PrismaClient } from './generated/client.ts';
import { StaleProjectError, UnreadableProject } from '../domain/errors.ts';
import type {
  ChangeKind,
  FieldChanges,
  NewProject,
  Project,
  ProjectChangeRecord,
  ProjectChanges,
  ProjectSummary,
  ProjectWithOwner,
  ReminderTarget,
  StoredAnswers,
} from '../domain/project.ts';
import { withStoreErrors } from './errors.ts';
import { projectWithOwnerQuery, toProjectWithOwner as rowToProjectWithOwner, type ProjectWithOwnerRow } from './project-rows.ts';

export type { ChangeKind, FieldChanges } from '../domain/project.ts';

type Client = Pick<PrismaClient, 'project' | 'projectChange' | '$queryRaw' | '$executeRaw'>;

// The JSON column is written only by this module, but it is still parsed on the way out so a
// hand-edited row cannot smuggle a malformed status into scoring or the API.
const storedAnswersSchema = z.record(
  z.string(),
  z.object({
    status: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]),
    justification: z.string().nullable(),
  }),
);

/** Fails with UnreadableProject rather than guess: a guessed value would be saved back over the real one. */
function toProject<T extends { id: number; answers: Prisma.JsonValue }>(row: T): Omit<T, 'answers'> & { answers: StoredAnswers } {
  const parsed = storedAnswersSchema.safeParse(row.answers);
  if (!parsed.success) {
    // Criterion ids and zod's messages only: the stored text itself stays out of the log.
    const problems = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
    throw new UnreadableProject(row.id, problems, { cause: parsed.error });
  }
  return { ...row, answers: parsed.data };
}

export const withOwner = {
  user: { select: { id: true, name: true, nickname: true } },
  additionalRights: { select: { userId: true }, orderBy: { userId: 'asc' } },
} as const;

type RowWithOwner = Prisma.ProjectGetPayload<{ include: typeof withOwner }>;

export function toProjectWithOwner(row: RowWithOwner): ProjectWithOwner {
  const { user, additionalRights, ...rest } = row;
  return { ...toProject(rest), owner: user, additionalRightUserIds: additionalRights.map((r) => r.userId) };
}

/** Told about each project a list or export left out because its row cannot be read. */
export type UnreadableReport = (error: UnreadableProject) => void;

function toData(changes: ProjectChanges): Prisma.ProjectUncheckedUpdateInput {
  const { answers, ...rest } = changes;
  return answers === undefined ? rest : { ...rest, answers: answers as unknown as Prisma.InputJsonObject };
}

export interface ProjectsRepo {
  /** A live project (soft-deleted ones are invisible). */
  findById(id: number): Promise<ProjectWithOwner | null>;
  /** Also finds soft-deleted projects, for admins. */
  findByIdIncludingDeleted(id: number): Promise<ProjectWithOwner | null>;
  recordChange(projectId: number, userId: number | null, kind: ChangeKind, changes: FieldChanges, at: Date): Promise<void>;
  changes(projectId: number, limit: number): Promise<ProjectChangeRecord[]>;
  findIdByRepoUrl(repoUrl: string): Promise<number | null>;
  create(input: NewProject): Promise<Project>;
  /** Optimistic locking: fails with StaleProjectError unless lock_version still matches. */
  update(id: number, lockVersion: number, changes: ProjectChanges, now: Date): Promise<Project>;
  count(): Promise<number>;
  /** Claims and stamps (last_reminder_at) projects due for a reminder; see services/notifications.ts. */
  claimReminderTargets(now: Date, options: { idleDays: number; repeatDays: number; limit: number }): Promise<ReminderTarget[]>;
  /** Live (not soft-deleted) projects the user owns. */
  countOwnedBy(userId: number): Promise<number>;
  recentlyUpdated(limit: number): Promise<ProjectSummary[]>;
}

export function createProjectsRepo(db: Client): ProjectsRepo {
  // The search document is derived from the row; 'simple' keeps URLs and names as written
  // (no stemming), which suits project names better than an English dictionary.
  const refreshSearch = async (id: number) => {
    await db.$executeRaw`
      UPDATE projects SET search_vector = to_tsvector('simple',
        coalesce(name, '') || ' ' || coalesce(description, '') || ' ' || coalesce(homepage_url, '') || ' ' || coalesce(repo_url, ''))
      WHERE id = ${id}`;
  };
  return withStoreErrors<ProjectsRepo>({
    async findById(id) {
      // Pages and the project JSON: one statement for the row, its owner and collaborators.
      const [row] = await db.$queryRaw<ProjectWithOwnerRow[]>(projectWithOwnerQuery(Prisma.sql`p.id = ${id} AND p.deleted_at IS NULL`));
      return row ? rowToProjectWithOwner(row) : null;
    },
    async findByIdIncludingDeleted(id) {
      const row = await db.project.findUnique({ where: { id }, include: withOwner });
      return row ? toProjectWithOwner(row) : null;
    },
    async recordChange(projectId, userId, kind, changes, at) {
      await db.projectChange.create({
        data: { projectId, userId, kind, changes: changes as unknown as Prisma.InputJsonObject, createdAt: at },
      });
    },
    async changes(projectId, limit) {
      const rows = await db.projectChange.findMany({
        where: { projectId },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: limit,
        include: { user: { select: { name: true } } },
      });
      return rows.map((r) => ({
        id: r.id,
        userId: r.userId,
        userName: r.user?.name ?? null,
        kind: r.kind,
        changes: (r.changes ?? {}) as FieldChanges,
        createdAt: r.createdAt,
      }));
    },
    async findIdByRepoUrl(repoUrl) {
      const row = await db.project.findUnique({ where: { repoUrl }, select: { id: true } });
      return row?.id ?? null;
    },
    async create(input) {
      const { userId, ...changes } = input;
      const row = await db.project.create({
        data: { ...(toData(changes) as Prisma.ProjectUncheckedCreateInput), userId },
      });
      await refreshSearch(row.id);
      return toProject(row);
    },
    async update(id, lockVersion, changes, now) {
      const result = await db.project.updateMany({
        where: { id, lockVersion },
        data: { ...(toData(changes) as Prisma.ProjectUncheckedUpdateManyInput), lockVersion: { increment: 1 }, updatedAt: now },
      });
      if (result.count !== 1) throw new StaleProjectError();
      if (['name', 'description', 'homepageUrl', 'repoUrl'].some((k) => k in changes)) await refreshSearch(id);
      const row = await db.project.findUniqueOrThrow({ where: { id } });
      return toProject(row);
    },
    count: () => db.project.count(),
    async claimReminderTargets(now, { idleDays, repeatDays, limit }) {
      // One statement: concurrent runs skip rows another run has locked, and the stamp does not
      // touch updated_at (a reminder is not an edit).
      const rows = await db.$queryRaw<{ id: number; user_id: number; name: string | null; badge_percentage_0: number | null }[]>`
        UPDATE projects p SET last_reminder_at = ${now}
        FROM (
          SELECT pr.id FROM projects pr JOIN users u ON u.id = pr.user_id
          WHERE pr.deleted_at IS NULL
            AND COALESCE(pr.badge_percentage_0, 0) < 100
            AND NOT pr.disabled_reminders
            AND pr.updated_at < ${now}::timestamptz - make_interval(days => ${idleDays})
            AND (pr.last_reminder_at IS NULL OR pr.last_reminder_at < ${now}::timestamptz - make_interval(days => ${repeatDays}))
            AND (pr.lost_passing_at IS NULL OR pr.lost_passing_at < ${now}::timestamptz - make_interval(days => ${idleDays}))
            AND u.notification_emails AND u.email IS NOT NULL AND NOT u.blocked
          ORDER BY COALESCE(pr.last_reminder_at, pr.updated_at), pr.id
          LIMIT ${limit}
          FOR UPDATE OF pr SKIP LOCKED
        ) due
        WHERE p.id = due.id
        RETURNING p.id, p.user_id, p.name, p.badge_percentage_0`;
      return rows.map((r) => ({ id: r.id, userId: r.user_id, name: r.name, badgePercentage0: r.badge_percentage_0 }));
    },
    countOwnedBy: (userId) => db.project.count({ where: { userId, deletedAt: null } }),
    recentlyUpdated: (limit) =>
      db.project.findMany({
        where: { deletedAt: null },
        orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }],
        take: limit,
        select: { id: true, name: true, homepageUrl: true, repoUrl: true, tieredPercentage: true, updatedAt: true },
      }),
  });
}
