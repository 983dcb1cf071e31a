import type { CriteriaSet, Level } from '../criteria/index.ts';
import { parseId as parseIdValue } from '../services/validation.ts';
import { notFound, type NotFoundSubject } from './errors.ts';

/** An id in the path that is not one (see services/validation.ts) names nothing: a 404, not a 400. */
export function parseId(raw: string | undefined, what: NotFoundSubject = 'project'): number {
  const id = parseIdValue(raw);
  if (id === null) throw notFound(what);
  return id;
}

/**
 * Old links used the metal rank ("0", "1", "2") or "bronze" for the first level; they keep
 * working through a permanent redirect to the level's key.
 */
export function legacyLevel(set: CriteriaSet, raw: string): Level | undefined {
  const metal = set.series('metal');
  if (raw === 'bronze') return metal[0];
  return /^[0-9]$/.test(raw) ? metal[Number(raw)] : undefined;
}
