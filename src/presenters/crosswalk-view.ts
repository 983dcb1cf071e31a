import type { CriteriaSet, Level } from '../criteria/index.ts';
import { displayId } from '../criteria/index.ts';
import type { ProjectWithOwner } from '../domain/project.ts';
import type { Crosswalk } from '../services/automation/crosswalk.ts';
import type { CopiedAnswer, CrosswalkCopy, SkippedAnswer } from '../services/automation/crosswalk-copy.ts';
import { STATUS } from '../services/scoring/index.ts';
import type { StatusOptionView } from './project-view.ts';

/** One mapped criterion of the other series, as shown beside a criterion. */
export interface CrosswalkLinkView {
  criterion: string;
  displayId: string;
  level: string;
  /** That level's page (its edit page from an edit page), at the criterion's anchor. */
  href: string;
  /** Suffix of the `project_form:status_names.*` keys: the project's current answer there. */
  status: StatusOptionView['key'];
}

const STATUS_KEYS: Record<number, StatusOptionView['key']> = { [STATUS.unknown]: 'unknown', [STATUS.unmet]: 'unmet', [STATUS.na]: 'na', [STATUS.met]: 'met' };

/**
 * For each criterion of the level that the crosswalk relates to the other series, those
 * criteria (both directions of the crosswalk, each once, in the other series' order) with the
 * project's current answer to each. Criteria without a mapping are absent.
 */
export function crosswalkLinks(set: CriteriaSet, crosswalk: Crosswalk, project: ProjectWithOwner, level: Level, editing: boolean): Record<string, CrosswalkLinkView[]> {
  const order = new Map(set.levels.flatMap((l) => l.criteria).map((c, i) => [c.id, i]));
  const links: Record<string, CrosswalkLinkView[]> = Object.create(null) as Record<string, CrosswalkLinkView[]>;
  for (const criterion of level.criteria) {
    const { implies, impliedBy } = crosswalk.mapped(criterion.id);
    const ids = [...new Set([...impliedBy, ...implies].map((e) => e.criterion))];
    const views: CrosswalkLinkView[] = [];
    for (const id of ids) {
      const other = set.definitions(id)[0];
      if (!other || other.series === level.series) continue;
      views.push({
        criterion: id,
        displayId: displayId(other),
        level: other.level,
        href: `/projects/${project.id}/${other.level}${editing ? '/edit' : ''}#${id}`,
        status: STATUS_KEYS[project.answers[id]?.status ?? STATUS.unknown] ?? 'unknown',
      });
    }
    views.sort((a, b) => (order.get(a.criterion) ?? 0) - (order.get(b.criterion) ?? 0));
    if (views.length > 0) links[criterion.id] = views;
  }
  return links;
}

/** The result page of "copy answers from the mapped criteria". */
export interface CrosswalkCopyView {
  copied: (CopiedAnswer & { statusKey: StatusOptionView['key']; href: string })[];
  skipped: (SkippedAnswer & { href: string })[];
  /** Whether the save changed the level this page belongs to, and to which level. */
  levelChange: { lost: boolean; level: string } | null;
}

export function crosswalkCopyView(project: ProjectWithOwner, level: Level, copy: CrosswalkCopy, lost: (from: string, to: string) => boolean): CrosswalkCopyView {
  const href = (id: string) => `/projects/${project.id}/${level.key}/edit#${id}`;
  let levelChange: CrosswalkCopyView['levelChange'] = null;
  if (copy.saved) {
    const baseline = level.series === 'baseline';
    const before = baseline ? copy.saved.previousBaselineBadgeLevel : copy.saved.previousBadgeLevel;
    const after = baseline ? copy.saved.baselineBadgeLevel : copy.saved.badgeLevel;
    if (before !== after) levelChange = { lost: lost(before, after), level: after };
  }
  return {
    copied: copy.copied.map((c) => ({ ...c, statusKey: STATUS_KEYS[c.status] ?? 'unknown', href: href(c.criterion) })),
    skipped: copy.skipped.map((s) => ({ ...s, href: href(s.criterion) })),
    levelChange,
  };
}
