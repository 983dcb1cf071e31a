import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import type { ProjectWithOwner, StoredAnswers } from '../../src/db/types.ts';
import { STATUS } from '../../src/services/scoring/index.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { createProject, createUser } from '../support/factories.ts';

/** The badge snippets near the top of a project page, and the script that adds copy buttons. */

let t: TestApp;
let project: ProjectWithOwner;
let page: string;

const unescape = (html: string) =>
  html.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

function snippet(key: string): string {
  const match = new RegExp(`<code id="badge-snippet-${key}">([^<]*)</code>`).exec(page);
  expect(match, key).not.toBeNull();
  return unescape(match![1]!);
}

beforeAll(async () => {
  t = await buildTestApp();
  const owner = await createUser(t.ctx, { name: 'Snippet Owner' });
  project = await createProject(t.ctx, owner, { name: 'Snippet Project' });
  const level = t.ctx.criteria.levels[0]!.key;
  // Anonymous: README authors copy the snippet from the public page.
  page = (await request(t.app).get(`/projects/${project.id}/${level}`).expect(200)).text;
});

afterAll(async () => {
  await t.close();
});

describe('badge snippets on the project page', () => {
  it('offers Markdown, HTML, reStructuredText and AsciiDoc, each pointing at PUBLIC_URL', () => {
    const base = t.ctx.config.publicUrl;
    const home = `${base}/projects/${project.id}`;
    const image = `${home}/badge`;
    expect(snippet('markdown')).toBe(`[![OpenSSF Best Practices](${image})](${home})`);
    expect(snippet('html')).toBe(`<a href="${home}"><img alt="OpenSSF Best Practices" src="${image}"></a>`);
    expect(snippet('rst')).toBe(`.. image:: ${image}\n   :alt: OpenSSF Best Practices\n   :target: ${home}`);
    expect(snippet('asciidoc')).toBe(`image:${image}[OpenSSF Best Practices,link="${home}"]`);
    for (const label of ['Markdown', 'HTML', 'reStructuredText', 'AsciiDoc']) expect(page.match(new RegExp(`>${label}</h4>`, 'g'))).toHaveLength(2);
  });

  it('offers the same four for the baseline badge, pointing at /projects/:id/baseline', () => {
    const home = `${t.ctx.config.publicUrl}/projects/${project.id}`;
    const image = `${home}/baseline`;
    expect(snippet('baseline-markdown')).toBe(`[![OpenSSF Baseline](${image})](${home})`);
    expect(snippet('baseline-html')).toBe(`<a href="${home}"><img alt="OpenSSF Baseline" src="${image}"></a>`);
    expect(snippet('baseline-rst')).toBe(`.. image:: ${image}\n   :alt: OpenSSF Baseline\n   :target: ${home}`);
    expect(snippet('baseline-asciidoc')).toBe(`image:${image}[OpenSSF Baseline,link="${home}"]`);
  });

  it('shows each badge as it is now, from this site, with its level in the text alternative', async () => {
    expect(page).toContain(`<p class="badge-snippets-preview"><img src="/projects/${project.id}/badge" alt="OpenSSF Best Practices badge: in progress"></p>`);
    // The header's image keeps a text of its own, so each image is found by its name alone.
    expect(page.match(/alt="Badge level: in progress"/g)).toHaveLength(1);
    expect(page).toContain(`<p class="badge-snippets-preview"><img src="/projects/${project.id}/baseline" alt="OpenSSF Baseline badge: in progress, Baseline Level 1 at 0%"></p>`);
    const owner = await createUser(t.ctx);
    const answers: StoredAnswers = {};
    for (const level of ['baseline-1', 'baseline-2']) for (const c of t.ctx.criteria.level(level)!.criteria) answers[c.id] = { status: STATUS.met, justification: null };
    const half: StoredAnswers = {};
    for (const c of t.ctx.criteria.level('baseline-1')!.criteria.slice(0, 12)) half[c.id] = { status: STATUS.met, justification: null };
    const level2 = await createProject(t.ctx, owner, { answers });
    const halfway = await createProject(t.ctx, owner, { answers: half });
    expect((await request(t.app).get(`/projects/${level2.id}/baseline-1`).expect(200)).text).toContain('alt="OpenSSF Baseline badge: Baseline Level 2"');
    expect((await request(t.app).get(`/projects/${halfway.id}/passing`).expect(200)).text).toContain('alt="OpenSSF Baseline badge: in progress, Baseline Level 1 at 50%"');
  });

  it('groups each badge under its own heading, metal first, with copy texts of its own', () => {
    const metal = page.indexOf('<h3 id="badge-snippets-metal">');
    const baseline = page.indexOf('<h3 id="badge-snippets-baseline">');
    expect(metal).toBeGreaterThan(-1);
    expect(baseline).toBeGreaterThan(metal);
    expect(page.indexOf('id="badge-snippet-markdown"')).toBeGreaterThan(metal);
    expect(page.indexOf('id="badge-snippet-markdown"')).toBeLessThan(baseline);
    expect(page.indexOf('id="badge-snippet-baseline-markdown"')).toBeGreaterThan(baseline);
    expect(page).toContain('aria-labelledby="badge-snippets-baseline" data-series="baseline"');
    expect(page).toContain('data-copy-label="Copy Baseline Markdown"');
    expect(page).toContain('data-copied="Baseline Markdown snippet copied to the clipboard."');
    // No two copy buttons share a name.
    const labels = [...page.matchAll(/data-copy-label="([^"]+)"/g)].map((m) => m[1]);
    expect(labels).toHaveLength(8);
    expect(new Set(labels).size).toBe(8);
  });

  it('sits near the top: before the first criteria section', () => {
    const snippets = page.indexOf('class="badge-snippets"');
    expect(snippets).toBeGreaterThan(-1);
    const firstCriterion = page.indexOf('class="criterion');
    expect(firstCriterion).toBeGreaterThan(-1);
    expect(snippets).toBeLessThan(firstCriterion);
    // One set of snippets per badge only.
    expect(page.match(/id="badge-snippet-markdown"/g)).toHaveLength(1);
    expect(page.match(/id="badge-snippet-baseline-markdown"/g)).toHaveLength(1);
  });

  it('has an aria-live status region and the copy texts as data attributes for the script', () => {
    expect(page).toMatch(/<p class="badge-snippets-status" role="status" aria-live="polite"><\/p>/);
    expect(page).toContain('data-copy-label="Copy Markdown"');
    expect(page).toContain('data-copied="Markdown snippet copied to the clipboard."');
  });

  it('loads one same-origin deferred script and no inline script', async () => {
    const scripts = [...page.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(body, 'inline script').toBe('');
      const src = /\bsrc="([^"]+)"/.exec(attrs!)?.[1];
      expect(src, 'script without src').toBeDefined();
      expect(src!.startsWith('/') && !src!.startsWith('//'), src).toBe(true);
    }
    expect(page).toContain('<script src="/js/badge-snippets.js" defer></script>');
    expect(page).not.toMatch(/\son[a-z]+="/);
    const js = await request(t.app).get('/js/badge-snippets.js').expect(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.text).toContain('navigator.clipboard');
    const csp = (await request(t.app).get(`/projects/${project.id}/${t.ctx.criteria.levels[0]!.key}`).expect(200)).headers['content-security-policy'] as string;
    expect(csp).toMatch(/script-src 'self'(;|$)/);
  });

  it('the script holds no user-visible English: its texts come from the page', async () => {
    const js = (await request(t.app).get('/js/badge-snippets.js').expect(200)).text;
    const code = js.replace(/^\s*\/\/.*$/gm, '');
    const literals = [...code.matchAll(/'([^']*)'/g)].map((m) => m[1]!);
    for (const literal of literals) expect(literal, literal).not.toMatch(/^[A-Z][a-z]+ [a-z]/);
  });
});
