import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { z } from 'zod';
import { criteriaFileSchema, type CriteriaFile, type CriterionFileEntry } from './schema.ts';
import { fromProjectRoot } from '../paths.ts';

export type Category = CriterionFileEntry['category'];
export type Series = CriteriaFile['series'];

export interface Criterion extends Omit<CriterionFileEntry, 'id'> {
  id: string;
  level: string;
  series: Series;
  major: string;
  minor: string;
}

export interface CriteriaGroup {
  minor: string;
  criteria: Criterion[];
}

export interface CriteriaSection {
  major: string;
  groups: CriteriaGroup[];
}

export interface Level {
  key: string;
  series: Series;
  rank: number;
  name: string;
  file: string;
  sections: CriteriaSection[];
  /** Every criterion of the level in display order. */
  criteria: Criterion[];
  /** Criteria that count towards the percentage: neither future nor obsolete. */
  active: Criterion[];
}

export interface CriteriaSet {
  /** All levels, metal series first, each series ordered by rank. */
  levels: Level[];
  level(key: string): Level | undefined;
  series(series: Series): Level[];
  /** Distinct criterion ids across all levels, in first-seen order. */
  ids: string[];
  /** The definitions of one id at each level where it appears. */
  definitions(id: string): Criterion[];
}

export class CriteriaLoadError extends Error {
  constructor(file: string, where: string, message: string) {
    super(`${file}: ${where}: ${message}`);
    this.name = 'CriteriaLoadError';
  }
}

function describeIssue(file: string, raw: unknown, issue: z.core.$ZodIssue): CriteriaLoadError {
  // Walk the raw document along the issue path so the message can name the criterion id,
  // which is far more useful to an editor than "sections.3.groups.1.criteria.7".
  let node: unknown = raw;
  let criterionId: string | undefined;
  for (const key of issue.path) {
    if (node === null || typeof node !== 'object') break;
    node = (node as Record<PropertyKey, unknown>)[key];
    if (node && typeof node === 'object' && 'id' in node && typeof node.id === 'string') {
      criterionId = node.id;
    }
  }
  const last = issue.path.at(-1);
  const field = issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : String(last ?? '(root)');
  const where = criterionId ? `criterion ${criterionId}, field ${field}` : `field ${issue.path.join('.') || field}`;
  return new CriteriaLoadError(file, where, issue.message);
}

export function parseCriteriaFile(file: string, text: string): Level {
  let raw: unknown;
  try {
    raw = YAML.parse(text);
  } catch (err) {
    throw new CriteriaLoadError(file, 'YAML', (err as Error).message);
  }
  const parsed = criteriaFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw describeIssue(file, raw, parsed.error.issues[0]!);
  }
  const data = parsed.data;
  const seen = new Set<string>();
  const sections: CriteriaSection[] = data.sections.map((section) => ({
    major: section.major,
    groups: section.groups.map((group) => ({
      minor: group.minor,
      criteria: group.criteria.map((entry) => {
        if (seen.has(entry.id)) {
          throw new CriteriaLoadError(file, `criterion ${entry.id}, field id`, 'appears twice in this level');
        }
        seen.add(entry.id);
        if (!entry.na_allowed && entry.na_justification_required) {
          throw new CriteriaLoadError(
            file,
            `criterion ${entry.id}, field na_justification_required`,
            'requires na_allowed: true',
          );
        }
        return { ...entry, level: data.level, series: data.series, major: section.major, minor: group.minor };
      }),
    })),
  }));
  const criteria = sections.flatMap((s) => s.groups.flatMap((g) => g.criteria));
  return {
    key: data.level,
    series: data.series,
    rank: data.rank,
    name: data.name,
    file,
    sections,
    criteria,
    active: criteria.filter((c) => !c.future && !c.obsolete),
  };
}

export function buildCriteriaSet(levels: Level[]): CriteriaSet {
  const seriesOrder: Series[] = ['metal', 'baseline'];
  const sorted = [...levels].sort(
    (a, b) => seriesOrder.indexOf(a.series) - seriesOrder.indexOf(b.series) || a.rank - b.rank,
  );
  const byKey = new Map<string, Level>();
  for (const level of sorted) {
    if (byKey.has(level.key)) {
      throw new CriteriaLoadError(level.file, 'field level', `level "${level.key}" is defined twice`);
    }
    byKey.set(level.key, level);
  }
  for (const series of seriesOrder) {
    sorted
      .filter((l) => l.series === series)
      .forEach((level, index) => {
        if (level.rank !== index) {
          throw new CriteriaLoadError(level.file, 'field rank', `expected rank ${index} in the ${series} series`);
        }
        const prerequisites = level.criteria.filter((c) => c.prerequisite);
        if (prerequisites.length > 1 || (index === 0 && prerequisites.length > 0)) {
          throw new CriteriaLoadError(
            level.file,
            `criterion ${prerequisites[0]!.id}, field prerequisite`,
            'a level has at most one prerequisite criterion and the first level of a series has none',
          );
        }
      });
  }
  const definitions = new Map<string, Criterion[]>();
  for (const level of sorted) {
    for (const criterion of level.criteria) {
      const list = definitions.get(criterion.id) ?? [];
      list.push(criterion);
      definitions.set(criterion.id, list);
    }
  }
  return Object.freeze({
    levels: sorted,
    level: (key: string) => byKey.get(key),
    series: (series: Series) => sorted.filter((l) => l.series === series),
    ids: [...definitions.keys()],
    definitions: (id: string) => definitions.get(id) ?? [],
  });
}

export const defaultCriteriaDir = fromProjectRoot('criteria');

/** Reads and validates every criteria/*.yml. Throws CriteriaLoadError naming file, criterion and field. */
export function loadCriteria(dir: string = defaultCriteriaDir): CriteriaSet {
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yml'))
    .sort();
  const levels = files.map((f) => {
    const file = path.join(path.basename(dir), f);
    const level = parseCriteriaFile(file, fs.readFileSync(path.join(dir, f), 'utf8'));
    if (`${level.key}.yml` !== f) {
      throw new CriteriaLoadError(file, 'field level', `must match the file name ("${f.replace(/\.yml$/, '')}")`);
    }
    return level;
  });
  return buildCriteriaSet(levels);
}

let cached: CriteriaSet | undefined;

/** The process-wide criteria, loaded on first use (start-up calls this eagerly). */
export function criteria(): CriteriaSet {
  cached ??= loadCriteria();
  return cached;
}

/** OSPS display id: osps_ac_01_01 -> OSPS-AC-01.01. Other ids are returned unchanged. */
export function displayId(criterion: Pick<Criterion, 'id' | 'series'>): string {
  if (criterion.series !== 'baseline') return criterion.id;
  const parts = criterion.id.split('_');
  const last = parts.pop();
  return `${parts.map((p) => p.toUpperCase()).join('-')}.${last}`;
}
