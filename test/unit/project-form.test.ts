import { describe, expect, it } from 'vitest';
import { criteria } from '../../src/criteria/index.ts';
import { mergeAnswers, parseNewProjectForm, parseProjectEditForm, startingLevels } from '../../src/services/project-form.ts';
import { STATUS } from '../../src/services/scoring/index.ts';
import type { FieldErrors } from '../../src/services/validation.ts';

const set = criteria();
const editable = set.ids.filter((id) => !set.definitions(id).some((d) => d.prerequisite));
const naAllowed = editable.find((id) => set.definitions(id).every((d) => d.na_allowed))!;
const naRefused = editable.find((id) => !set.definitions(id).every((d) => d.na_allowed))!;
const prerequisite = set.ids.find((id) => set.definitions(id).some((d) => d.prerequisite))!;
const current = { repoUrl: 'https://example.org/repo', homepageUrl: null };

/** Field -> message keys, the way the form shows them. */
function keys(errors: FieldErrors): Record<string, string[]> {
  return Object.fromEntries(Object.entries(errors).map(([field, list]) => [field, list.map((e) => e.key)]));
}

describe('the criteria the table below relies on', () => {
  it('include an N/A-able, an N/A-refusing and a prerequisite criterion', () => {
    expect([naAllowed, naRefused, prerequisite].every((id) => typeof id === 'string')).toBe(true);
  });
});

describe('parseProjectEditForm', () => {
  it.each<[string, Record<string, unknown>, Record<string, string[]>]>([
    ['no lock version', {}, { lock_version: ['errors.lock_version'] }],
    ['a lock version that is no number', { lock_version: 'x1' }, { lock_version: ['errors.lock_version'] }],
    ['a lock version sent as a JSON number', { lock_version: 3 }, { lock_version: ['errors.lock_version'] }],
    ['an unknown field', { lock_version: '0', bogus: '1' }, { bogus: ['errors.unknown_field'] }],
    ['"__proto__" as a field', JSON.parse('{"lock_version":"0","__proto__":"x"}') as Record<string, unknown>, Object.fromEntries([['__proto__', ['errors.unknown_field']]])],
    ['an unknown criterion', { lock_version: '0', no_such_thing_status: 'Met' }, { no_such_thing_status: ['errors.unknown_criterion'] }],
    ['a prerequisite criterion', { lock_version: '0', [`${prerequisite}_status`]: 'Met' }, { [`${prerequisite}_status`]: ['errors.automatic_criterion'] }],
    ['a status that is no answer', { lock_version: '0', [`${naAllowed}_status`]: 'Maybe' }, { [`${naAllowed}_status`]: ['errors.bad_status'] }],
    ['N/A where it is not allowed', { lock_version: '0', [`${naRefused}_status`]: 'N/A' }, { [`${naRefused}_status`]: ['errors.na_not_allowed'] }],
    ['a repeated field (an array)', { lock_version: '0', [`${naAllowed}_status`]: ['Met', 'Unmet'] }, { [`${naAllowed}_status`]: ['errors.invalid'] }],
    ['a number for a text', { lock_version: '0', name: 5 }, { name: ['errors.invalid'] }],
    ['null for a text', { lock_version: '0', description: null }, { description: ['errors.invalid'] }],
    ['an over-long name', { lock_version: '0', name: 'n'.repeat(255) }, { name: ['errors.too_long'] }],
    ['an over-long justification', { lock_version: '0', [`${naAllowed}_justification`]: 'j'.repeat(8193) }, { [`${naAllowed}_justification`]: ['errors.too_long'] }],
    ['a control character', { lock_version: '0', name: 'bad\u0007name' }, { name: ['errors.control_characters'] }],
    ['a NUL', { lock_version: '0', general_comments: 'a\u0000b' }, { general_comments: ['errors.control_characters'] }],
    ['an unpaired surrogate', { lock_version: '0', name: 'a\ud800b' }, { name: ['errors.invalid'] }],
    ['an unpaired surrogate in a justification', { lock_version: '0', [`${naAllowed}_justification`]: '\udc00' }, { [`${naAllowed}_justification`]: ['errors.invalid'] }],
    ['a CPE without its prefix', { lock_version: '0', cpe: 'not-a-cpe' }, { cpe: ['errors.cpe'] }],
    ['an over-long CPE without its prefix', { lock_version: '0', cpe: 'x'.repeat(255) }, { cpe: ['errors.too_long', 'errors.cpe'] }],
    ['a URL with another scheme', { lock_version: '0', repo_url: 'ftp://example.org/x' }, { repo_url: ['errors.url_scheme'] }],
    ['a URL with credentials', { lock_version: '0', homepage_url: 'https://u:p@example.org/' }, { homepage_url: ['errors.url_invalid'] }],
    ['the last URL emptied', { lock_version: '0', repo_url: '' }, { repo_url: ['errors.url_needed'] }],
    ['the last URL emptied next to another problem', { lock_version: '0', repo_url: ' ', name: 5 }, { name: ['errors.invalid'], repo_url: ['errors.url_needed'] }],
    ['the last URL emptied next to an over-long name', { lock_version: '0', repo_url: '', name: 'n'.repeat(255) }, { name: ['errors.too_long'], repo_url: ['errors.url_needed'] }],
  ])('refuses %s', (_label, input, expected) => {
    const result = parseProjectEditForm(set, input, current);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.status).toBe(422);
      expect(keys(result.errors)).toEqual(expected);
    }
  });

  it('names the field, the value and the limit in the messages', () => {
    const result = parseProjectEditForm(set, { lock_version: '0', bogus: '1', [`${naAllowed}_status`]: `Maybe${'!'.repeat(30)}`, name: 'n'.repeat(255), repo_url: `https://example.org/${'a'.repeat(250)}` }, current);
    expect(result.ok ? null : result.errors).toEqual({
      bogus: [{ key: 'errors.unknown_field', values: { field: 'bogus' } }],
      name: [{ key: 'errors.too_long', values: { max: 254 } }],
      repo_url: [{ key: 'errors.too_long', values: { max: 254 } }],
      [`${naAllowed}_status`]: [{ key: 'errors.bad_status', values: { value: `Maybe${'!'.repeat(15)}` } }],
    });
  });

  it('keeps the error map free of inherited names', () => {
    const result = parseProjectEditForm(set, { lock_version: '0', constructor: '1' }, current);
    expect(result.ok ? null : Object.getPrototypeOf(result.errors)).toBeNull();
  });

  it('reads descriptive fields, canonical URLs, answers and the lock version', () => {
    const result = parseProjectEditForm(
      set,
      {
        _csrf: 't',
        after: 'continue',
        lock_version: '7',
        name: '  Widget  ',
        description: '',
        implementation_languages: '',
        cpe: 'cpe:/a:acme:widget',
        homepage_url: 'HTTPS://Acme.example/',
        [`${naAllowed}_status`]: 'N/A',
        [`${naAllowed}_justification`]: '',
        [`${naRefused}_justification`]: ' Because. ',
      },
      current,
    );
    expect(result).toEqual({
      ok: true,
      value: {
        lockVersion: 7,
        changes: { name: 'Widget', description: null, implementationLanguages: '', cpe: 'cpe:/a:acme:widget', homepageUrl: 'https://acme.example' },
        answers: new Map([
          [naAllowed, { status: STATUS.na, justification: null }],
          [naRefused, { justification: 'Because.' }],
        ]),
      },
    });
  });

  it('lets one URL go while the other remains', () => {
    const result = parseProjectEditForm(set, { lock_version: '0', repo_url: '', homepage_url: 'https://example.org' }, current);
    expect(result.ok && result.value.changes).toEqual({ repoUrl: null, homepageUrl: 'https://example.org' });
  });
});

describe('parseNewProjectForm', () => {
  it.each<[string, Record<string, unknown>, Record<string, string[]>]>([
    ['no URL at all', { name: 'x' }, { repo_url: ['errors.url_needed'] }],
    ['no URL and an over-long name', { name: 'n'.repeat(255) }, { name: ['errors.too_long'], repo_url: ['errors.url_needed'] }],
    ['a field of the edit form', { repo_url: 'https://example.org/b', license: 'MIT' }, { license: ['errors.unknown_field'] }],
    ['an answer', { repo_url: 'https://example.org/b', [`${naAllowed}_status`]: 'Met' }, { [`${naAllowed}_status`]: ['errors.unknown_field'] }],
    ['a script URL', { repo_url: 'javascript:alert(1)' }, { repo_url: ['errors.url_scheme'] }],
    ['an unpaired surrogate', { repo_url: 'https://example.org/c', name: 'a\ud800b' }, { name: ['errors.invalid'] }],
    ['a NUL', { repo_url: 'https://example.org/c', description: 'a\u0000b' }, { description: ['errors.control_characters'] }],
  ])('refuses %s', (_label, input, expected) => {
    const result = parseNewProjectForm(set, input);
    expect(result.ok ? null : keys(result.errors)).toEqual(expected);
  });

  it('reads the four fields with canonical URLs', () => {
    const result = parseNewProjectForm(set, { _csrf: 't', name: 'Widget', description: 'A widget.', repo_url: 'HTTPS://GitHub.com/Acme/Widget.git/', homepage_url: '' });
    expect(result).toEqual({ ok: true, value: { changes: { name: 'Widget', description: 'A widget.', repoUrl: 'https://github.com/Acme/Widget', homepageUrl: null }, answers: new Map(), startingLevel: 'passing' } });
  });

  it('reads the starting level: the first level of a series, passing when absent', () => {
    expect(startingLevels(set)).toEqual(['passing', 'baseline-1']);
    const start = (value: unknown) => parseNewProjectForm(set, { repo_url: 'https://example.org/s', starting_section: value });
    expect(start('baseline-1')).toMatchObject({ ok: true, value: { startingLevel: 'baseline-1' } });
    for (const bad of ['baseline-2', 'gold', '', 3, ['passing']]) {
      const result = start(bad);
      expect(result.ok ? null : keys(result.errors), JSON.stringify(bad)).toEqual({ starting_section: ['errors.starting_section'] });
    }
  });
});

describe('mergeAnswers', () => {
  it('applies the given parts, drops answers that became empty and reports no change as null', () => {
    const stored = { a: { status: STATUS.met, justification: 'yes' }, b: { status: STATUS.unmet, justification: null } } as const;
    expect(mergeAnswers(stored, new Map())).toBeNull();
    expect(mergeAnswers(stored, new Map([['a', { justification: null }], ['b', { status: STATUS.unknown }], ['c', { status: STATUS.na }]]))).toEqual({
      a: { status: STATUS.met, justification: null },
      c: { status: STATUS.na, justification: null },
    });
  });
});
