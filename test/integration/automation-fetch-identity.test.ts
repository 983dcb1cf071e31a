import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEvidence } from '../../src/services/automation/runs.ts';
import { startFakeForge, type FakeForge } from '../support/fake-forge.ts';

/**
 * Issue 11 item 6, as production builds it (runEvidence, not a test-made client): every request
 * of a run names the site in its User-Agent, and a run asks for each thing once.
 */
let forge: FakeForge;

beforeAll(async () => {
  forge = await startFakeForge({ 'acme/widget': { name: 'widget', files: { LICENSE: 'MIT License\n\nPermission is hereby granted, free of charge.\n' } } });
});

afterAll(async () => {
  await forge.close();
});

const PUBLIC_URL = 'https://badges.example.org';
const config = () => ({
  publicUrl: PUBLIC_URL,
  fetchAllowHosts: [forge.hostPort],
  forges: { github: { baseUrl: forge.url, apiUrl: forge.githubApiUrl }, gitlab: [], gitea: [] },
});

describe('the outbound client of an automation run', () => {
  it('sends "BadgeApp automation (+PUBLIC_URL)" and asks once per listing, file and site within the run', async () => {
    const evidence = runEvidence({ config: config() as never }, { repoUrl: `${forge.url}/acme/widget` }, null);
    const before = forge.requests.length;
    await evidence.repo!.metadata();
    await evidence.repo!.metadata();
    await evidence.repo!.files.list();
    await evidence.repo!.files.list();
    await evidence.repo!.files.read('LICENSE', 50_000);
    await evidence.repo!.files.read('LICENSE', 50_000);
    await evidence.siteHeaders(`${forge.url}/home`);
    await evidence.siteHeaders(`${forge.url}/home`);
    const made = forge.requests.slice(before);
    expect(made.length).toBeGreaterThan(0);
    expect(made.every((r) => r.userAgent === `BadgeApp automation (+${PUBLIC_URL})`)).toBe(true);
    // No request twice within one run.
    const urls = made.map((r) => `${r.method} ${r.url} ${r.accept ?? ''}`);
    expect(new Set(urls).size).toBe(urls.length);

    // A new run asks again (the cache is per run, not per process).
    const again = runEvidence({ config: config() as never }, { repoUrl: `${forge.url}/acme/widget` }, null);
    const mark = forge.requests.length;
    await again.repo!.files.list();
    expect(forge.requests.length).toBe(mark + 1);
  });
});
