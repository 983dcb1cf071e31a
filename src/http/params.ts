import type { CriteriaSet, Level } from '../criteria/index.ts';
import { notFound } from './errors.ts';

const MAX_ID = 2 ** 31 - 1;

/** Upstream ids never have a leading zero; anything else is a 404, not a 400. */
export function parseId(raw: string | undefined, what = 'The project'): number {
  if (!raw || !/^[1-9][0-9]{0,9}$/.test(raw) || Number(raw) > MAX_ID) throw notFound(what);
  return Number(raw);
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
