/**
 * The project entity and its history, as the application sees them. src/db maps rows onto these
 * shapes; nothing outside src/db knows how they are stored.
 */

/** 0 = ?, 1 = Unmet, 2 = N/A, 3 = Met (3 so that one flipped bit cannot turn "unknown" into "Met"). */
export type StatusCode = 0 | 1 | 2 | 3;

/** One stored answer; an absent id means "?" (unknown). */
export interface StoredAnswer {
  status: StatusCode;
  justification: string | null;
}

export type StoredAnswers = Record<string, StoredAnswer>;

export interface Project {
  id: number;
  userId: number;
  name: string | null;
  description: string | null;
  homepageUrl: string | null;
  repoUrl: string | null;
  license: string | null;
  implementationLanguages: string;
  cpe: string | null;
  generalComments: string | null;
  entryLocale: string;
  lockVersion: number;
  answers: StoredAnswers;
  badgePercentage0: number | null;
  badgePercentage1: number;
  badgePercentage2: number;
  badgePercentageBaseline1: number | null;
  badgePercentageBaseline2: number | null;
  badgePercentageBaseline3: number | null;
  tieredPercentage: number;
  baselineTieredPercentage: number;
  achievedPassingAt: Date | null;
  achievedSilverAt: Date | null;
  achievedGoldAt: Date | null;
  achievedBaseline1At: Date | null;
  achievedBaseline2At: Date | null;
  achievedBaseline3At: Date | null;
  firstAchievedPassingAt: Date | null;
  firstAchievedSilverAt: Date | null;
  firstAchievedGoldAt: Date | null;
  firstAchievedBaseline1At: Date | null;
  firstAchievedBaseline2At: Date | null;
  firstAchievedBaseline3At: Date | null;
  lostPassingAt: Date | null;
  lostSilverAt: Date | null;
  lostGoldAt: Date | null;
  lostBaseline1At: Date | null;
  lostBaseline2At: Date | null;
  lostBaseline3At: Date | null;
  passingSaved: boolean;
  silverSaved: boolean;
  goldSaved: boolean;
  baseline1Saved: boolean;
  baseline2Saved: boolean;
  baseline3Saved: boolean;
  repoUrlUpdatedAt: Date | null;
  lastReminderAt: Date | null;
  disabledReminders: boolean;
  unreportedBadgeLoss: number;
  unreportedBaselineBadgeLoss: number;
  unreportedBadgeWarning: number;
  unreportedBaselineBadgeWarning: number;
  badgeWarningEffectiveDate: Date | null;
  lastLossSentAt: Date | null;
  lastWarningSentAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  /** Soft deletion: hidden everywhere, restorable by an admin for a while, then purged. */
  deletedAt: Date | null;
  deletedById: number | null;
  deletionRationale: string | null;
}

export interface ProjectWithOwner extends Project {
  owner: { id: number; name: string; nickname: string | null };
  additionalRightUserIds: number[];
}

/** Columns a save may change; the repository bumps lock_version and updated_at itself. */
export type ProjectChanges = Partial<Omit<Project, 'id' | 'userId' | 'createdAt' | 'updatedAt' | 'lockVersion'>>;

export type NewProject = ProjectChanges & { userId: number };

/** What the home page lists. */
export interface ProjectSummary {
  id: number;
  name: string | null;
  homepageUrl: string | null;
  repoUrl: string | null;
  tieredPercentage: number;
  updatedAt: Date;
}

/** A project due for an inactivity reminder (see services/notifications.ts). */
export interface ReminderTarget {
  id: number;
  userId: number;
  name: string | null;
  badgePercentage0: number | null;
}

export type ChangeKind = 'create' | 'edit' | 'admin_override' | 'transfer' | 'delete' | 'restore';
/** Field -> [old, new]; criterion answers use the wire names (<id>_status, <id>_justification). */
export type FieldChanges = Record<string, [unknown, unknown]>;

export interface ProjectChangeRecord {
  id: number;
  userId: number | null;
  userName: string | null;
  kind: string;
  changes: FieldChanges;
  createdAt: Date;
}

/** A user with edit rights on a project through an `additional_rights` row. */
export interface CollaboratorRecord {
  userId: number;
  name: string;
  nickname: string | null;
  /** Only for admins' eyes; presenters drop it for everyone else. */
  email: string | null;
  blocked: boolean;
  addedAt: Date;
}
