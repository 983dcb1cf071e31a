import { describe, expect, it } from 'vitest';
import { criteria } from '../../../src/criteria/index.ts';
import { repoJson } from '../../../src/services/automation/detectives/repo-json.ts';
import { bestPracticesJsonProposals, parseStatus, repoJsonKeys } from '../../../src/services/automation/repo-json.ts';
import { evidenceFor, fakeRepo, REPO_URL } from './fixture-repo.ts';

const keys = repoJsonKeys(criteria());
const parse = (doc: unknown) => bestPracticesJsonProposals(typeof doc === 'string' ? doc : JSON.stringify(doc), keys, { name: '.bestpractices.json' });
const proposalsOf = (doc: unknown) => {
  const result = parse(doc);
  if (!result.ok) throw new Error(result.error);
  return result.proposals;
};

describe('.bestpractices.json', () => {
  it('proposes statuses at 3.5 with the file\'s justification as explanation', () => {
    const p = proposalsOf({
      id: 42,
      name: 'Widget',
      badge_level: 'passing',
      contribution_status: 'Met',
      contribution_justification: '  https://github.com/acme/widget/blob/main/CONTRIBUTING.md  ',
      release_notes_status: 'unmet',
      crypto_published_status: 'N/A',
      test_status: 'na',
      sites_https_status: '?',
      build_status: 'unknown',
      interact_status: 'maybe',
    });
    expect(p.contribution_status).toEqual({
      value: 3,
      confidence: 3.5,
      explanation: { key: 'automation:repo_json.with_justification', params: { file: '.bestpractices.json', justification: 'https://github.com/acme/widget/blob/main/CONTRIBUTING.md' } },
    });
    expect(p.contribution_justification!.value).toBe('https://github.com/acme/widget/blob/main/CONTRIBUTING.md');
    expect(p.release_notes_status!.value).toBe(1);
    expect(p.crypto_published_status!.value).toBe(2);
    expect(p.test_status!.value).toBe(2);
    expect(p.name!.value).toBe('Widget');
    for (const ignored of ['sites_https_status', 'build_status', 'interact_status', 'id', 'badge_level']) expect(p[ignored]).toBeUndefined();
    expect(Object.values(p).every((x) => x.confidence === 3.5)).toBe(true);
  });

  it('accepts the baseline keys our own API exports as well as the internal ones', () => {
    const p = proposalsOf({ 'OSPS-AC-01.01_status': 'Met', 'OSPS-AC-01.01_justification': 'MFA enforced by the org.', osps_ac_02_01_status: 'Unmet' });
    expect(p.osps_ac_01_01_status).toMatchObject({ value: 3, explanation: { params: { justification: 'MFA enforced by the org.' } } });
    expect(p.osps_ac_01_01_justification!.value).toBe('MFA enforced by the org.');
    expect(p.osps_ac_02_01_status!.value).toBe(1);
    // Both spellings: the internal one wins.
    expect(proposalsOf({ 'OSPS-AC-01.01_status': 'Unmet', osps_ac_01_01_status: 'Met' }).osps_ac_01_01_status!.value).toBe(3);
  });

  it('checks text like form input', () => {
    const p = proposalsOf({ name: 'two\nlines', description: 'x'.repeat(8193), license: '\u202eMIT', cpe: 7, general_comments: 'fine\nwith lines', contribution_justification: '' });
    expect(Object.keys(p)).toEqual(['general_comments']);
  });

  it.each([
    ['not JSON', '{', 'json'],
    ['an array', [], 'not_an_object'],
    ['null', 'null', 'not_an_object'],
    ['too large', `{"name": "${'x'.repeat(60_000)}"}`, 'too_large'],
  ])('refuses %s cleanly', (_title, doc, error) => {
    expect(parse(doc)).toEqual({ ok: false, error });
  });

  it.each([['Met', 3], ['MET', 3], [' unmet ', 1], ['N/A', 2], ['na', 2], [3, 3], [0, undefined], ['?', undefined], [true, undefined], [null, undefined]])('status %j → %j', (value, code) => {
    expect(parseStatus(value)).toBe(code);
  });
});

describe('repo-json detective', () => {
  const detective = repoJson(keys);

  it('reads .bestpractices.json first, then .project.d/bestpractices.json', async () => {
    const both = fakeRepo({ '.bestpractices.json': '{"build_status":"Met"}', '.project.d/bestpractices.json': '{"build_status":"Unmet"}' });
    expect((await detective.analyze(evidenceFor(both), {})).build_status).toMatchObject({ value: 3, evidenceUrl: `${REPO_URL}/blob/main/.bestpractices.json` });
    const nested = fakeRepo({ '.project.d/bestpractices.json': '{"build_status":"Unmet"}' });
    expect((await detective.analyze(evidenceFor(nested), {})).build_status).toMatchObject({ value: 1 });
  });

  it('says why when there is no usable file', async () => {
    await expect(detective.analyze(evidenceFor(fakeRepo({})), {})).rejects.toMatchObject({ reason: { key: 'automation:skipped.no_repo_json' } });
    await expect(detective.analyze(evidenceFor(fakeRepo({ '.bestpractices.json': '[1]' })), {})).rejects.toMatchObject({ reason: { key: 'automation:skipped.file_invalid' } });
    await expect(detective.analyze(evidenceFor(null), {})).rejects.toMatchObject({ reason: { key: 'automation:skipped.no_forge' } });
  });
});
