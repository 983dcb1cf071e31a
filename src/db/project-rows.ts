import { Prisma } from './generated/client.ts';
import { UnreadableProject } from '../domain/errors.ts';
import type { Project, ProjectWithOwner, StoredAnswers } from '../domain/project.ts';
import { snakeCase } from '../domain/wire.ts';
import type { UnreadableReport } from './projects.ts';

/**
 * One statement for a project with its owner and collaborators (pages, project JSON, list pages,
 * export batches). The ORM's include answers the same with three queries and builds each row
 * through its generic mapper; here PostgreSQL aliases every column to the entity's own name, so
 * a row arrives already in the entity's shape and only the answers need checking.
 */

/** Every column of the entity, in the entity's order. The type check below proves none is missing. */
const FIELDS = [
  'id', 'userId', 'name', 'description', 'homepageUrl', 'repoUrl', 'license', 'implementationLanguages', 'cpe',
  'generalComments', 'entryLocale', 'lockVersion', 'answers',
  'badgePercentage0', 'badgePercentage1', 'badgePercentage2',
  'badgePercentageBaseline1', 'badgePercentageBaseline2', 'badgePercentageBaseline3',
  'tieredPercentage', 'baselineTieredPercentage',
  'achievedPassingAt', 'achievedSilverAt', 'achievedGoldAt', 'achievedBaseline1At', 'achievedBaseline2At', 'achievedBaseline3At',
  'firstAchievedPassingAt', 'firstAchievedSilverAt', 'firstAchievedGoldAt',
  'firstAchievedBaseline1At', 'firstAchievedBaseline2At', 'firstAchievedBaseline3At',
  'lostPassingAt', 'lostSilverAt', 'lostGoldAt', 'lostBaseline1At', 'lostBaseline2At', 'lostBaseline3At',
  'passingSaved', 'silverSaved', 'goldSaved', 'baseline1Saved', 'baseline2Saved', 'baseline3Saved',
  'repoUrlUpdatedAt', 'lastReminderAt', 'disabledReminders',
  'unreportedBadgeLoss', 'unreportedBaselineBadgeLoss', 'unreportedBadgeWarning', 'unreportedBaselineBadgeWarning',
  'badgeWarningEffectiveDate', 'lastLossSentAt', 'lastWarningSentAt',
  'createdAt', 'updatedAt', 'deletedAt', 'deletedById', 'deletionRationale',
] as const satisfies readonly (keyof Project)[];

type Missing = Exclude<keyof Project, (typeof FIELDS)[number]>;
export const everyProjectFieldSelected: [Missing] extends [never] ? true : Missing = true;

function columnExpression(field: (typeof FIELDS)[number]): string {
  // A DATE comes back from the driver as local midnight; as UTC midnight it matches what the ORM
  // returns and what the JSON presenter prints.
  if (field === 'badgeWarningEffectiveDate') return `(p.badge_warning_effective_date::text || ' 00:00:00+00')::timestamptz`;
  return `p.${snakeCase(field)}`;
}

/** Computed once per process: the select list with every column aliased to its entity name. */
const SELECT_LIST = Prisma.raw(
  [
    ...FIELDS.map((f) => `${columnExpression(f)} AS "${f}"`),
    `u.id AS "ownerId"`, `u.name AS "ownerName"`, `u.nickname AS "ownerNickname"`,
    `ARRAY(SELECT a.user_id FROM additional_rights a WHERE a.project_id = p.id ORDER BY a.user_id) AS "additionalRightUserIds"`,
  ].join(', '),
);

/** `SELECT <project, owner, collaborators> FROM projects p JOIN users u … WHERE <where>` (add ORDER BY / LIMIT after). */
export function projectWithOwnerQuery(where: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`SELECT ${SELECT_LIST} FROM projects p JOIN users u ON u.id = p.user_id WHERE ${where}`;
}

export type ProjectWithOwnerRow = Omit<ProjectWithOwner, 'owner' | 'answers'> & {
  answers: unknown;
  ownerId: number;
  ownerName: string;
  ownerNickname: string | null;
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The stored answers, checked by hand: this runs for every project of every list page and
 * export batch, where a schema library's generic walk was a measurable share of the time.
 * Fails with UnreadableProject rather than guess (a guessed value would be saved back).
 */
export function checkedAnswers(id: number, value: unknown): StoredAnswers {
  const problems: string[] = [];
  if (!isRecord(value)) {
    problems.push('(root): expected an object');
  } else {
    for (const [key, answer] of Object.entries(value)) {
      if (!isRecord(answer)) problems.push(`${key}: expected an object`);
      else if (answer.status !== 0 && answer.status !== 1 && answer.status !== 2 && answer.status !== 3) problems.push(`${key}.status: expected 0, 1, 2 or 3`);
      else if (answer.justification !== null && typeof answer.justification !== 'string') problems.push(`${key}.justification: expected a string or null`);
      if (problems.length >= 5) break;
    }
  }
  if (problems.length > 0) throw new UnreadableProject(id, problems);
  return value as StoredAnswers;
}

export function toProjectWithOwner(row: ProjectWithOwnerRow): ProjectWithOwner {
  const { ownerId, ownerName, ownerNickname, answers, ...project } = row;
  return { ...project, answers: checkedAnswers(row.id, answers), owner: { id: ownerId, name: ownerName, nickname: ownerNickname } };
}

/**
 * Rows of a list page or export batch, by id. One unreadable row must not take every other
 * project's data down with it: it is left out and reported.
 */
export function readableRowsById(rows: ProjectWithOwnerRow[], report: UnreadableReport): Map<number, ProjectWithOwner> {
  const byId = new Map<number, ProjectWithOwner>();
  for (const row of rows) {
    try {
      byId.set(row.id, toProjectWithOwner(row));
    } catch (err) {
      if (!(err instanceof UnreadableProject)) throw err;
      report(err);
    }
  }
  return byId;
}
