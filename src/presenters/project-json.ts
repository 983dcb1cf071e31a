import { displayId, type CriteriaSet } from '../criteria/index.ts';
import type { Project, ProjectWithOwner } from '../domain/project.ts';
import { snakeCase } from '../domain/wire.ts';
import { STATUS, STATUS_LABELS, badgeLevelName } from '../services/scoring/index.ts';

/**
 * The project JSON wire shape (GET /projects/:id.json and each element of /projects.json).
 * Existing clients (Scorecard, dashboards) depend on these key names, so they are listed
 * explicitly here rather than derived from whatever the database happens to contain.
 */
const LEADING_COLUMNS = [
  'id', 'userId', 'name', 'description', 'homepageUrl', 'repoUrl', 'license', 'implementationLanguages',
  'cpe', 'generalComments', 'entryLocale', 'lockVersion', 'createdAt', 'updatedAt',
] as const satisfies readonly (keyof Project)[];

const TRAILING_COLUMNS = [
  'badgePercentage0', 'badgePercentage1', 'badgePercentage2',
  'badgePercentageBaseline1', 'badgePercentageBaseline2', 'badgePercentageBaseline3',
  'tieredPercentage', 'baselineTieredPercentage',
  'achievedPassingAt', 'achievedSilverAt', 'achievedGoldAt',
  'achievedBaseline1At', 'achievedBaseline2At', 'achievedBaseline3At',
  'firstAchievedPassingAt', 'firstAchievedSilverAt', 'firstAchievedGoldAt',
  'firstAchievedBaseline1At', 'firstAchievedBaseline2At', 'firstAchievedBaseline3At',
  'lostPassingAt', 'lostSilverAt', 'lostGoldAt', 'lostBaseline1At', 'lostBaseline2At', 'lostBaseline3At',
  'passingSaved', 'silverSaved', 'goldSaved', 'baseline1Saved', 'baseline2Saved', 'baseline3Saved',
  'repoUrlUpdatedAt', 'lastReminderAt', 'disabledReminders',
  'unreportedBadgeLoss', 'unreportedBaselineBadgeLoss', 'unreportedBadgeWarning', 'unreportedBaselineBadgeWarning',
  'badgeWarningEffectiveDate', 'lastLossSentAt', 'lastWarningSentAt',
] as const satisfies readonly (keyof Project)[];

function wireValue(column: keyof Project, value: unknown): unknown {
  if (value instanceof Date) {
    return column === 'badgeWarningEffectiveDate' ? value.toISOString().slice(0, 10) : value.toISOString();
  }
  return value;
}

// Data licences as published on the project pages, by the time of the last change.
const CDLA_SINCE = Date.parse('2024-08-23T12:00:00Z');
const CC_BY_PLUS_SINCE = Date.parse('2017-02-20T12:00:00Z');

export function projectDataLicense(updatedAt: Date): string {
  const t = updatedAt.getTime();
  if (t >= CDLA_SINCE) return 'CDLA-Permissive-2.0';
  return t >= CC_BY_PLUS_SINCE ? 'CC-BY-3.0+' : 'CC-BY-3.0';
}

/** Wire key names for one criteria set, computed once per process (not once per project). */
interface WireKeys {
  leading: [keyof Project, string][];
  criteria: [id: string, status: string, justification: string][];
  trailing: [keyof Project, string][];
  /** The same keys as JSON text ("key":), for projectJsonText. */
  text: { leading: [keyof Project, string][]; criteria: [string, string, string][]; trailing: [keyof Project, string][] };
}

const quoted = (key: string) => `${JSON.stringify(key)}:`;

const wireKeysBySet = new WeakMap<CriteriaSet, WireKeys>();

function wireKeys(set: CriteriaSet): WireKeys {
  let keys = wireKeysBySet.get(set);
  if (!keys) {
    keys = {
      leading: LEADING_COLUMNS.map((c) => [c, snakeCase(c)]),
      criteria: set.ids.map((id) => {
        const key = displayId(set.definitions(id)[0]!);
        return [id, `${key}_status`, `${key}_justification`];
      }),
      trailing: TRAILING_COLUMNS.map((c) => [c, snakeCase(c)]),
      text: { leading: [], criteria: [], trailing: [] },
    };
    keys.text = {
      leading: keys.leading.map(([c, k]) => [c, quoted(k)]),
      criteria: keys.criteria.map(([id, status, justification]) => [id, quoted(status), quoted(justification)]),
      trailing: keys.trailing.map(([c, k]) => [c, quoted(k)]),
    };
    wireKeysBySet.set(set, keys);
  }
  return keys;
}

export function presentProject(set: CriteriaSet, project: ProjectWithOwner): Record<string, unknown> {
  const keys = wireKeys(set);
  const json: Record<string, unknown> = {};
  for (const [column, key] of keys.leading) json[key] = wireValue(column, project[column]);
  // Legacy string columns kept by upstream for old clients; never set by anything.
  json.homepage_url_status = '?';
  json.report_url_status = '?';
  for (const [id, statusKey, justificationKey] of keys.criteria) {
    const answer = project.answers[id];
    json[statusKey] = STATUS_LABELS[answer?.status ?? STATUS.unknown];
    if (answer?.justification) json[justificationKey] = answer.justification;
  }
  for (const [column, key] of keys.trailing) json[key] = wireValue(column, project[column]);
  json.badge_level = badgeLevelName(set, project.tieredPercentage);
  json.additional_rights = project.additionalRightUserIds;
  json.project_entry_attribution = `Please credit ${project.owner.name} and the OpenSSF Best Practices badge contributors.`;
  json.project_entry_license = projectDataLicense(project.updatedAt);
  return json;
}

const STATUS_TEXT = STATUS_LABELS.map((label) => JSON.stringify(label));

/**
 * Exactly `JSON.stringify(presentProject(set, project))`, written straight to text. The bulk
 * export turns 100,000 projects into text; building a 450-key object for each first doubled
 * the garbage the collector had to clear and most of the time (docs/performance.md).
 */
export function projectJsonText(set: CriteriaSet, project: ProjectWithOwner): string {
  const { text } = wireKeys(set);
  const parts: string[] = [];
  const value = (column: keyof Project, key: string) => {
    const v = wireValue(column, project[column]);
    if (v !== undefined) parts.push(key + JSON.stringify(v));
  };
  for (const [column, key] of text.leading) value(column, key);
  parts.push('"homepage_url_status":"?"', '"report_url_status":"?"');
  for (const [id, statusKey, justificationKey] of text.criteria) {
    const answer = project.answers[id];
    parts.push(statusKey + STATUS_TEXT[answer?.status ?? STATUS.unknown]!);
    if (answer?.justification) parts.push(justificationKey + JSON.stringify(answer.justification));
  }
  for (const [column, key] of text.trailing) value(column, key);
  parts.push(
    `"badge_level":${JSON.stringify(badgeLevelName(set, project.tieredPercentage))}`,
    `"additional_rights":${JSON.stringify(project.additionalRightUserIds)}`,
    `"project_entry_attribution":${JSON.stringify(`Please credit ${project.owner.name} and the OpenSSF Best Practices badge contributors.`)}`,
    `"project_entry_license":${JSON.stringify(projectDataLicense(project.updatedAt))}`,
  );
  return `{${parts.join(',')}}`;
}

export function presentBadge(set: CriteriaSet, project: Project): Record<string, unknown> {
  return {
    id: project.id,
    name: project.name,
    updated_at: project.updatedAt.toISOString(),
    badge_level: badgeLevelName(set, project.tieredPercentage),
    tiered_percentage: project.tieredPercentage,
  };
}
