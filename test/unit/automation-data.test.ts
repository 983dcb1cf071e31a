import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { criteria } from '../../src/criteria/index.ts';
import { createI18n } from '../../src/i18n.ts';
import {
  automatableFields,
  classifyAndApply,
  DESCRIPTIVE_FIELDS,
  loadCrosswalk,
  productionDetectives,
  projectFieldValues,
  proposeChanges,
} from '../../src/services/automation/index.ts';
import { loadSecurityInsightsRules } from '../../src/services/automation/security-insights.ts';
import { loadOsiLicenses } from '../../src/services/automation/spdx.ts';
import { evidenceFor, fakeRepo, REPO_URL } from './detectives/fixture-repo.ts';

const set = criteria();
const root = path.resolve(import.meta.dirname, '../..');

describe('production detectives', () => {
  const detectives = productionDetectives(set);
  const all = [...detectives.main, detectives.toBaseline!, detectives.toMetal!, ...detectives.last];

  it('propose only fields that exist: answers of loaded criteria or the descriptive fields', () => {
    const known = new Set<string>([...DESCRIPTIVE_FIELDS, ...set.ids.flatMap((id) => [`${id}_status`, `${id}_justification`])]);
    for (const detective of all) {
      for (const field of detective.outputs) expect(known.has(field), `${detective.name}: ${field}`).toBe(true);
      for (const field of detective.overridableOutputs ?? []) expect(detective.outputs, `${detective.name}: ${field}`).toContain(field);
    }
    expect(new Set(all.map((d) => d.name)).size).toBe(all.length);
  });

  it('know which fields are baseline fields from the criteria', () => {
    expect(detectives.isBaselineField('osps_ac_01_01_status')).toBe(true);
    expect(detectives.isBaselineField('contribution_status')).toBe(false);
  });

  it('use only explanation keys that the English locale defines', async () => {
    const i18n = await createI18n(set);
    const keys = new Set<string>(['skipped.failed']);
    const dir = path.join(root, 'src/services/automation');
    for (const file of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'))) {
      const source = fs.readFileSync(path.join(dir, file), 'utf8');
      for (const m of source.matchAll(/\b(?:explain|skip)\(\s*'([a-z_.]+)'/g)) keys.add(m[1]!);
    }
    // forge-basics builds its keys as `forge.${key}` from these.
    for (const key of ['public', 'git', 'pull_requests', 'issues', 'github_2fa', 'metadata']) keys.add(`forge.${key}`);
    expect(keys.size).toBeGreaterThan(30);
    const missing = [...keys].filter((k) => !i18n.exists(`automation:${k}`));
    expect(missing).toEqual([]);
  });

  it('fill a realistic project\'s passing form, with evidence in the justifications', async () => {
    const i18n = await createI18n(set);
    const t = i18n.getFixedT('en');
    const repo = fakeRepo(
      {
        'README.md': '# Widget',
        LICENSE: 'x'.repeat(1000),
        'CONTRIBUTING.md': 'x'.repeat(500),
        'CHANGELOG.md': 'x'.repeat(500),
        'SECURITY.md': 'x'.repeat(500),
        Makefile: 'all:',
        'docs/install.md': 'Installation: run make install.',
        '.bestpractices.json': JSON.stringify({ test_status: 'Met', test_justification: 'make check runs the unit tests.' }),
      },
      { metadata: { name: 'widget', description: 'Widgets.', license: 'MIT', languages: ['C'], public: true } },
    );
    const values = projectFieldValues({
      name: null, description: null, license: null, implementationLanguages: '', cpe: null, generalComments: null,
      repoUrl: REPO_URL, homepageUrl: 'https://widget.example',
      answers: { repo_track: { status: 1, justification: 'We use tarballs.' }, build: { status: 1, justification: 'No build.' } },
    });
    const fields = automatableFields(set, 'passing');
    const headers = { 'content-security-policy': "frame-ancestors 'none'", 'strict-transport-security': 'max-age=1', 'x-content-type-options': 'nosniff' };
    const run = await proposeChanges(detectives, evidenceFor(repo, { [REPO_URL]: headers, 'https://widget.example': headers }), values, { neededFields: fields });
    expect(run.skipped).toEqual([expect.objectContaining({ detective: 'security-insights' })]);
    const result = classifyAndApply(values, run.proposals, {
      permittedFields: fields,
      explain: (e) => t(e.key, e.params),
    });
    expect(result.values).toMatchObject({
      name: 'widget',
      license: 'MIT',
      implementation_languages: 'C',
      contribution_status: 3,
      contribution_justification: `Contribution guide: ${REPO_URL}/blob/main/CONTRIBUTING.md.`,
      floss_license_osi_status: 3,
      license_location_status: 3,
      documentation_basics_status: 3,
      sites_https_status: 3,
      test_status: 3,
      test_justification: 'make check runs the unit tests.',
    });
    // A person's answer: replaced only by a forced fact (repo_track, git), kept otherwise (build).
    expect(result.forced.map((o) => o.field)).toEqual(['repo_track_status']);
    expect(result.divergent.map((o) => o.field)).toEqual(['build_status']);
    expect(result.values.build_justification).toBe('No build.');
    // Baseline answers are outside the passing form.
    expect(result.skipped.every((s) => s.reason === 'not_permitted')).toBe(true);
    expect(result.values.osps_le_02_01_status).toBeUndefined();
  });
});

describe('production detectives on a baseline section', () => {
  it('carry a person\'s metal answers over through the crosswalk, and the forge facts of a GitLab project', async () => {
    const detectives = productionDetectives(set);
    const repo = fakeRepo({ LICENSE: 'x'.repeat(1000), 'CONTRIBUTING.md': 'x'.repeat(500) }, { forge: 'gitlab', metadata: { public: true } });
    const values = projectFieldValues({
      name: 'widget', description: null, license: 'MIT', implementationLanguages: 'C', cpe: null, generalComments: null,
      repoUrl: 'https://gitlab.example/acme/widget', homepageUrl: null,
      answers: { require_2FA: { status: 3, justification: 'The group enforces two-factor sign-in.' } },
    });
    const fields = automatableFields(set, 'baseline-1');
    const run = await proposeChanges(detectives, evidenceFor(repo), values, { neededFields: fields });
    expect(run.ran).toContain('metal-to-baseline');
    expect(run.ran).not.toContain('baseline-to-metal');
    expect(run.proposals.osps_ac_01_01_status).toMatchObject({
      value: 3,
      confidence: 3,
      detective: 'metal-to-baseline',
      explanation: { key: 'automation:crosswalk.with_justification', params: { source: 'require_2FA', justification: 'The group enforces two-factor sign-in.' } },
    });
    expect(run.proposals.osps_le_02_01_status).toMatchObject({ value: 3, forced: true, detective: 'floss-license' });
    expect(run.proposals.osps_gv_03_01_status).toMatchObject({ value: 3, detective: 'repo-files' });
    const i18n = await createI18n(set);
    const result = classifyAndApply(values, run.proposals, { permittedFields: fields, explain: (e) => i18n.getFixedT('en')(e.key, e.params) });
    expect(result.values.osps_ac_01_01_justification).toBe('The group enforces two-factor sign-in. [require_2FA]');
    expect(result.values.require_2FA_status).toBe(3);
  });
});

describe('automation data files', () => {
  const temp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'automation-data-'));
  const copyWith = (name: string, text: string) => {
    const dir = temp();
    for (const file of ['metal-to-baseline.yml', 'baseline-to-metal.yml']) fs.copyFileSync(path.join(root, 'criteria/automation', file), path.join(dir, file));
    fs.writeFileSync(path.join(dir, name), text);
    return dir;
  };

  it('load and validate', () => {
    expect(loadSecurityInsightsRules().length).toBeGreaterThan(40);
    expect(loadOsiLicenses().has('apache-2.0')).toBe(true);
    for (const rule of loadSecurityInsightsRules()) expect(set.definitions(rule.criterion).length, rule.criterion).toBeGreaterThan(0);
  });

  it.each([
    ['an unknown criterion', 'rules:\n  - from: no_such_thing\n    to: osps_ac_01_01\n    met: 3\n', /metal-to-baseline.yml: rules.0: no_such_thing is not a criterion of the metal series/],
    ['the wrong series', 'rules:\n  - from: osps_ac_01_01\n    to: osps_ac_01_01\n    met: 3\n', /not a criterion of the metal series/],
    ['a forcing confidence', 'rules:\n  - from: sites_https\n    to: osps_br_03_01\n    met: 4\n', /metal-to-baseline.yml: rules.0.met/],
    ['a pair twice', 'rules:\n  - from: sites_https\n    to: osps_br_03_01\n    met: 3\n  - from: sites_https\n    to: osps_br_03_01\n    unmet: 3\n', /appears twice/],
    ['an unknown key', 'rules:\n  - from: sites_https\n    to: osps_br_03_01\n    maybe: 3\n', /metal-to-baseline.yml/],
  ])('refuse a crosswalk with %s, naming file and rule', (_title, text, message) => {
    expect(() => loadCrosswalk(set, copyWith('metal-to-baseline.yml', text))).toThrow(message);
  });

  it('refuse a Security Insights rule that could force, and a malformed OSI list', () => {
    const dir = temp();
    const si = path.join(dir, 'si.yml');
    fs.writeFileSync(si, 'rules:\n  - path: a.b\n    criterion: contribution\n    status: met\n    confidence: 4\n');
    expect(() => loadSecurityInsightsRules(si)).toThrow(/si.yml: rules.0.confidence/);
    const osi = path.join(dir, 'osi.yml');
    fs.writeFileSync(osi, 'licenses: [MIT, "not an id"]\n');
    expect(() => loadOsiLicenses(osi)).toThrow(/osi.yml/);
  });
});
