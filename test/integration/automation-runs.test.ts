import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainAutomationRuns, formAutomation, requestAutomationRun, runEvidence, startAutomationWorker, urlProposals, globMatches } from '../../src/services/automation/runs.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { query } from '../support/database.ts';
import { createProject, createUser, csrfFrom, loginAs } from '../support/factories.ts';
import { startFakeForge, type FakeForge } from '../support/fake-forge.ts';

const CONTRIBUTING = `# Contributing\n\n${'Fork the repository, add tests, and open a pull request. '.repeat(3)}\n`;
const LICENSE = 'MIT License\n\nPermission is hereby granted, free of charge, to any person obtaining a copy of this software.\n';

let forge: FakeForge;
let t: TestApp;
let dbUrl: string;

beforeAll(async () => {
  forge = await startFakeForge({
    'acme/widget*': {
      description: 'Widgets for everyone',
      license: 'MIT',
      languages: { TypeScript: 9000, Shell: 100 },
      files: { 'CONTRIBUTING.md': CONTRIBUTING, LICENSE, Makefile: 'all:\n\ttsc\n' },
    },
    'acme/private': { private: true, license: 'MIT', files: { 'CONTRIBUTING.md': CONTRIBUTING } },
  });
  t = await buildTestApp({
    GITHUB_BASE_URL: forge.url,
    GITHUB_API_URL: forge.githubApiUrl,
    GITLAB_URL: `${forge.url}/gitlab`,
    GITEA_URL: `${forge.url}/gitea`,
    FETCH_ALLOW_HOSTS: forge.hostPort,
  });
  dbUrl = t.ctx.config.databaseUrl!;
});

afterAll(async () => {
  await t.close();
  await forge.close();
});

const passing = () => t.ctx.criteria.level('passing')!;

describe('automation runs', () => {
  it('are queued by the first visit of a never-saved level, once, and run outside the request', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner, { repoUrl: `${forge.url}/acme/widget-1` });
    const agent = await loginAs(t.app, owner);
    const before = forge.requests.length;
    const page = await agent.get(`/projects/${project.id}/passing/edit`).expect(200);
    // The request itself never talks to the forge.
    expect(forge.requests.length).toBe(before);
    expect(page.text).toContain('name="_csrf"');
    await agent.get(`/projects/${project.id}/passing/edit`).expect(200);
    const queued = await query<{ status: string; reason: string; level: string }>(dbUrl, `SELECT status, reason, level FROM automation_runs WHERE project_id = ${project.id}`);
    expect(queued).toEqual([{ status: 'queued', reason: 'first_edit', level: 'passing' }]);

    expect(await drainAutomationRuns(t.ctx)).toEqual({ done: 1, retried: 0, failed: 0 });
    expect(forge.requests.length).toBeGreaterThan(before);
    const shown = await formAutomation(t.ctx, project, passing());
    expect(shown.latest?.status).toBe('done');
    const applied = Object.fromEntries(shown.classified!.applied.map((o) => [o.field, o.after]));
    expect(applied).toMatchObject({ contribution_status: 3, license: 'MIT', description: 'Widgets for everyone', build_status: 3 });
    // Nothing was written to the project.
    const row = await t.ctx.db.projects.findById(project.id);
    expect(row?.answers.contribution).toBeUndefined();
    expect(row?.license).toBeNull();

    // A visit after the run does not queue another one for the same repository.
    await agent.get(`/projects/${project.id}/passing/edit`).expect(200);
    expect((await query(dbUrl, `SELECT id FROM automation_runs WHERE project_id = ${project.id}`)).length).toBe(1);
  });

  it('prefill blanks on the form, keep a real answer and show the proposal aside', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner, {
      repoUrl: `${forge.url}/acme/widget-2`,
      answers: { contribution: { status: 1, justification: 'We do not take outside contributions yet.' } },
    });
    await requestAutomationRun(t.ctx, project, passing(), 'on_demand', { user: owner });
    await drainAutomationRuns(t.ctx);
    const agent = await loginAs(t.app, owner);
    const page = await agent.get(`/projects/${project.id}/passing/edit`).expect(200);
    // The license field is prefilled from the forge; the person's Unmet stays checked.
    expect(page.text).toMatch(/name="license"[^>]*value="MIT"/);
    expect(page.text).toMatch(/id="contribution_status_unmet"[^>]*checked/);
    const shown = await formAutomation(t.ctx, project, passing());
    expect(shown.classified?.divergent.map((o) => o.field)).toContain('contribution_status');
  });

  it('carry the requester GitHub token encrypted, use it only for GitHub, and wipe it when done', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner, { repoUrl: `${forge.url}/acme/private` });
    await requestAutomationRun(t.ctx, project, passing(), 'on_demand', { user: { id: owner.id, provider: 'github' }, githubToken: 'gho_secret_token_123' });
    const [stored] = await query<{ github_token: string | null }>(dbUrl, `SELECT github_token FROM automation_runs WHERE project_id = ${project.id}`);
    expect(stored?.github_token).toMatch(/^v1:/);
    expect(stored?.github_token).not.toContain('gho_secret_token_123');
    const mark = forge.requests.length;
    await drainAutomationRuns(t.ctx);
    const asked = forge.requests.slice(mark);
    expect(asked.some((r) => r.authorization === 'Bearer gho_secret_token_123')).toBe(true);
    expect(asked.filter((r) => r.authorization).every((r) => r.url.startsWith('/api/github/'))).toBe(true);
    const [after] = await query<{ github_token: string | null; status: string }>(dbUrl, `SELECT github_token, status FROM automation_runs WHERE project_id = ${project.id}`);
    expect(after).toEqual({ github_token: null, status: 'done' });
    // A local user's session token is never stored.
    await requestAutomationRun(t.ctx, project, passing(), 'on_demand', { user: { id: owner.id, provider: 'local' }, githubToken: 'gho_other' });
    expect(await query(dbUrl, `SELECT id FROM automation_runs WHERE project_id = ${project.id} AND github_token IS NOT NULL`)).toEqual([]);
  });

  it('are claimed by one drainer only, and a run abandoned by a dead instance is claimed again', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner, { repoUrl: `${forge.url}/acme/widget-3` });
    const silver = t.ctx.criteria.level('silver')!;
    await requestAutomationRun(t.ctx, project, passing(), 'on_demand');
    await requestAutomationRun(t.ctx, project, silver, 'on_demand');
    const now = new Date();
    const [a, b] = await Promise.all([t.ctx.db.automationRuns.claim({ batch: 5, now, staleMs: 60_000 }), t.ctx.db.automationRuns.claim({ batch: 5, now, staleMs: 60_000 })]);
    const ids = [...a, ...b].map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(2);
    // Not stale yet: nobody takes them.
    expect(await t.ctx.db.automationRuns.claim({ batch: 5, now, staleMs: 60_000 })).toEqual([]);
    const later = new Date(now.getTime() + 10 * 60_000);
    const reclaimed = await t.ctx.db.automationRuns.claim({ batch: 10, now: later, staleMs: 60_000 });
    expect(reclaimed.map((r) => r.id).sort()).toEqual([...ids].sort());
    expect(reclaimed.every((r) => r.attempts === 2)).toBe(true);
    for (const run of reclaimed) await t.ctx.db.automationRuns.finish(run.id, later, { proposals: {}, ran: [], skipped: [] });
  });

  it('fail for good after the last attempt and for a deleted project, without breaking the form', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner, { repoUrl: `${forge.url}/acme/widget-4` });
    await requestAutomationRun(t.ctx, project, passing(), 'on_demand');
    await query(dbUrl, `UPDATE automation_runs SET level = 'no-such-level' WHERE project_id = ${project.id}`);
    const result = await drainAutomationRuns(t.ctx);
    expect(result.failed).toBeGreaterThanOrEqual(1);
    const [row] = await query<{ status: string; last_error: string }>(dbUrl, `SELECT status, last_error FROM automation_runs WHERE project_id = ${project.id}`);
    expect(row?.status).toBe('failed');
  });

  it('answer "Check my repository again" with a queued run, and refuse more than five in ten minutes', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner, { repoUrl: `${forge.url}/acme/widget-5` });
    const agent = await loginAs(t.app, owner);
    const page = await agent.get(`/projects/${project.id}/passing/edit`).expect(200);
    const csrf = csrfFrom(page.text);
    await agent.post(`/projects/${project.id}/passing/automation`).type('form').send({}).expect(403);
    const outcomes: string[] = [];
    for (let i = 0; i < 7; i++) {
      await drainAutomationRuns(t.ctx);
      const res = await agent.post(`/projects/${project.id}/passing/automation`).type('form').send({ _csrf: csrf }).expect(303);
      expect(res.headers.location).toBe(`/projects/${project.id}/passing/edit#automation`);
      const next = await agent.get(`/projects/${project.id}/passing/edit`).expect(200);
      outcomes.push(next.text.includes('several times') ? 'limited' : 'queued');
    }
    expect(outcomes.slice(0, 5)).toEqual(['queued', 'queued', 'queued', 'queued', 'queued']);
    expect(outcomes.slice(5)).toEqual(['limited', 'limited']);
    const stranger = await loginAs(t.app, await createUser(t.ctx));
    const strangerPage = await stranger.get('/projects/new').expect(200);
    await stranger.post(`/projects/${project.id}/passing/automation`).type('form').send({ _csrf: csrfFrom(strangerPage.text) }).expect(403);
  });

  it('are queued again when the repository URL changes, and a run about the old URL is not shown', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner, { repoUrl: `${forge.url}/acme/widget-6` });
    await requestAutomationRun(t.ctx, project, passing(), 'on_demand');
    await drainAutomationRuns(t.ctx);
    const agent = await loginAs(t.app, owner);
    const page = await agent.get(`/projects/${project.id}/passing/edit`).expect(200);
    const lock = /name="lock_version" value="(\d+)"/.exec(page.text)![1]!;
    await agent
      .post(`/projects/${project.id}/passing/edit`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), lock_version: lock, repo_url: `${forge.url}/gitea/acme/widget-moved`, after: 'exit' })
      .expect(303);
    const runs = await query<{ reason: string; status: string }>(dbUrl, `SELECT reason, status FROM automation_runs WHERE project_id = ${project.id} ORDER BY id`);
    expect(runs.at(-1)).toEqual({ reason: 'repo_url', status: 'queued' });
    const moved = (await t.ctx.db.projects.findById(project.id))!;
    const shown = await formAutomation(t.ctx, moved, passing());
    expect(shown.shown).toBeNull();
    await drainAutomationRuns(t.ctx);
    const fresh = await formAutomation(t.ctx, moved, passing());
    expect(fresh.shown?.status).toBe('done');
  });
});

describe('the worker and the evidence of a run', () => {
  it('drains queued runs on its own timer and stops cleanly', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner, { repoUrl: `${forge.url}/acme/widget-worker` });
    await requestAutomationRun(t.ctx, project, passing(), 'on_demand');
    const worker = startAutomationWorker(t.ctx, 20);
    try {
      await expect.poll(async () => (await t.ctx.db.automationRuns.latest(project.id, 'passing'))?.status, { timeout: 10_000 }).toBe('done');
    } finally {
      await worker.stop();
    }
  });

  it('reads site headers through the checked fetcher, once per URL and run, and refuses private sites', async () => {
    forge.siteHeaders = { 'content-security-policy': "default-src 'self'; frame-ancestors 'none'", 'x-content-type-options': 'nosniff' };
    try {
      const evidence = runEvidence(t.ctx, { repoUrl: `${forge.url}/acme/widget-site` }, null);
      expect(evidence.repo).toMatchObject({ forge: 'github', slug: 'acme/widget-site' });
      const before = forge.requests.length;
      const headers = await evidence.siteHeaders(`${forge.url}/home`);
      expect(headers?.['x-content-type-options']).toBe('nosniff');
      await evidence.siteHeaders(`${forge.url}/home`);
      expect(forge.requests.length - before).toBe(1);
      // 127.0.0.2 is loopback too, and not on FETCH_ALLOW_HOSTS.
      expect(await evidence.siteHeaders(`http://127.0.0.2:${new URL(forge.url).port}/home`)).toBeNull();
      expect(await evidence.siteHeaders('http://169.254.169.254/latest/meta-data/')).toBeNull();
      expect(forge.requests.length - before).toBe(1);
    } finally {
      forge.siteHeaders = {};
    }
  });
});

describe('URL proposals', () => {
  const fields = ['contribution_status', 'contribution_justification', 'license', 'osps_ac_01_01_status', 'osps_ac_01_01_justification'];

  it('take only the level fields, statuses by name, and force what the overrides match', () => {
    const proposals = urlProposals(fields, {
      contribution_status: 'MET',
      contribution_justification: ' See CONTRIBUTING.md ',
      license: 'Apache-2.0',
      osps_ac_01_01_status: '?',
      name: 'not on this level',
      overrides: 'contribution_status',
    });
    expect(Object.keys(proposals).sort()).toEqual(['contribution_justification', 'contribution_status', 'license']);
    expect(proposals.contribution_status).toMatchObject({ value: 3, forced: true });
    // Forcing a status forces the justification that came with it.
    expect(proposals.contribution_justification).toMatchObject({ value: 'See CONTRIBUTING.md', forced: true });
    expect(proposals.license).toMatchObject({ value: 'Apache-2.0', forced: false });
    expect(urlProposals(fields, { osps_ac_01_01_status: 'n/a', overrides: 'osps_*' }).osps_ac_01_01_status).toMatchObject({ value: 2, forced: true });
    expect(urlProposals(fields, { contribution_status: 'na' }).contribution_status).toMatchObject({ value: 2, forced: false });
    expect(urlProposals(fields, { contribution_status: 'maybe' })).toEqual({});
    expect(urlProposals(fields, { contribution_status: ['Met', 'Unmet'] })).toEqual({});
  });

  it('ignore overrides beyond the limits', () => {
    const many = Array.from({ length: 1001 }, () => 'x').join(',');
    expect(urlProposals(fields, { license: 'MIT', overrides: `*,${many}` }).license?.forced).toBe(false);
    expect(urlProposals(fields, { license: 'MIT', overrides: `*,${'y'.repeat(10_001)}` }).license?.forced).toBe(false);
    expect(urlProposals(fields, { license: 'MIT', overrides: '*' }).license?.forced).toBe(true);
  });

  it('match shell-style globs without backtracking blow-ups', () => {
    expect(globMatches('osps_ac_*', 'osps_ac_01_01_status')).toBe(true);
    expect(globMatches('*_status', 'license')).toBe(false);
    expect(globMatches('contribution_?tatus', 'contribution_status')).toBe(true);
    const started = Date.now();
    expect(globMatches(`${'*a'.repeat(500)}b`, 'a'.repeat(5000))).toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('apply through the edit page: forced replaces a real answer, nothing is saved', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner, { repoUrl: null, answers: { contribution: { status: 1, justification: 'Closed for now.' } } });
    const agent = await loginAs(t.app, owner);
    const page = await agent.get(`/projects/${project.id}/passing/edit?contribution_status=Met&contribution_justification=See+CONTRIBUTING&overrides=contribution_*`).expect(200);
    expect(page.text).toMatch(/id="contribution_status_met"[^>]*checked/);
    expect((await t.ctx.db.projects.findById(project.id))?.answers.contribution?.status).toBe(1);
  });
});
