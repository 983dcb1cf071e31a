import { describe, expect, it } from 'vitest';
import { REPO_URL_CHANGE_DAYS, repoUrlChange } from '../../src/services/projects.ts';

const DAY = 24 * 60 * 60 * 1000;
const now = new Date('2025-06-30T12:00:00Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * DAY);
const OLD = 'https://github.com/example/widget';

type Row = [string, { repoUrl: string | null; repoUrlUpdatedAt: Date | null }, string | null, boolean, boolean];

/** [case, current, new URL, admin, allowed] */
const TABLE: Row[] = [
  ['blank → any URL', { repoUrl: null, repoUrlUpdatedAt: daysAgo(1) }, 'https://github.com/other/thing', false, true],
  ['unchanged', { repoUrl: OLD, repoUrlUpdatedAt: daysAgo(1) }, OLD, false, true],
  ['http → https (trivial)', { repoUrl: 'http://github.com/example/widget', repoUrlUpdatedAt: daysAgo(1) }, OLD, false, true],
  ['trailing slash added (trivial)', { repoUrl: OLD, repoUrlUpdatedAt: daysAgo(1) }, `${OLD}/`, false, true],
  ['trailing slash removed (trivial)', { repoUrl: `${OLD}/`, repoUrlUpdatedAt: daysAgo(1) }, OLD, false, true],
  ['http → https and a trailing slash (trivial)', { repoUrl: 'http://github.com/example/widget/', repoUrlUpdatedAt: daysAgo(1) }, OLD, false, true],
  ['https → http is not trivial', { repoUrl: OLD, repoUrlUpdatedAt: daysAgo(1) }, 'http://github.com/example/widget', false, false],
  ['another repository within 180 days', { repoUrl: OLD, repoUrlUpdatedAt: daysAgo(1) }, 'https://github.com/other/thing', false, false],
  ['another path on the same host within 180 days', { repoUrl: OLD, repoUrlUpdatedAt: daysAgo(179) }, `${OLD}-fork`, false, false],
  ['exactly 180 days ago is not yet more than 180', { repoUrl: OLD, repoUrlUpdatedAt: daysAgo(180) }, 'https://github.com/other/thing', false, false],
  ['emptied within 180 days', { repoUrl: OLD, repoUrlUpdatedAt: daysAgo(10) }, null, false, false],
  ['another repository after 180 days', { repoUrl: OLD, repoUrlUpdatedAt: daysAgo(181) }, 'https://github.com/other/thing', false, true],
  ['another repository, never changed before', { repoUrl: OLD, repoUrlUpdatedAt: null }, 'https://github.com/other/thing', false, true],
  ['admin, within 180 days', { repoUrl: OLD, repoUrlUpdatedAt: daysAgo(1) }, 'https://github.com/other/thing', true, true],
  ['admin empties it within 180 days', { repoUrl: OLD, repoUrlUpdatedAt: daysAgo(1) }, null, true, true],
];

describe('repoUrlChange (upstream: repo_url changes at most every 180 days)', () => {
  it.each(TABLE)('%s', (_case, current, next, admin, allowed) => {
    expect(repoUrlChange(current, next, admin, now).allowed).toBe(allowed);
  });

  it('tells when the URL may next change: 180 days after the last change', () => {
    const decision = repoUrlChange({ repoUrl: OLD, repoUrlUpdatedAt: new Date('2025-06-01T08:00:00Z') }, 'https://github.com/other/thing', false, now);
    expect(REPO_URL_CHANGE_DAYS).toBe(180);
    expect(decision).toEqual({ allowed: false, nextChangeAt: new Date('2025-11-28T08:00:00Z') });
  });
});
