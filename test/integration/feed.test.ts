import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { createProject, createUser } from '../support/factories.ts';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp({ PUBLIC_URL: 'https://badges.example.org' });
});

afterAll(async () => {
  await t.close();
});

/** Minimal well-formedness check: balanced tags, quoted attributes, no raw < or bare & in text. */
function expectWellFormedXml(xml: string) {
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
  const body = xml.slice(xml.indexOf('?>') + 2);
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>/g;
  let last = 0;
  for (const m of body.matchAll(tag)) {
    const text = body.slice(last, m.index);
    expect(text).not.toMatch(/[<>]/);
    expect(text).not.toMatch(/&(?!(?:amp|lt|gt|quot|apos|#\d+);)/);
    last = m.index + m[0].length;
    if (m[1]) expect(stack.pop()).toBe(m[2]);
    else if (!m[4]) stack.push(m[2]!);
  }
  expect(body.slice(last).trim()).toBe('');
  expect(stack).toEqual([]);
}

function entries(xml: string): string[] {
  return [...xml.matchAll(/<entry>([\s\S]*?)<\/entry>/g)].map((m) => m[1]!);
}

describe('GET /feed', () => {
  it('is an Atom feed of the most recently updated live projects, newest first, escaping all text', async () => {
    const owner = await createUser(t.ctx, { name: 'Owner <b>' });
    const old = await createProject(t.ctx, owner, { name: 'Old project' });
    await t.db.projects.update(old.id, old.lockVersion, { tieredPercentage: 250, badgePercentage0: 100 }, new Date('2026-01-01T00:00:00Z'));
    const evil = await createProject(t.ctx, owner, { name: 'Evil <script>&"Co"' });
    await t.db.projects.update(evil.id, evil.lockVersion, { description: 'Uses <b>tags</b> & see https://example.org/x?a=1&b=2', tieredPercentage: 42, badgePercentage0: 42 }, new Date('2026-01-03T00:00:00Z'));
    const unnamed = await createProject(t.ctx, owner);
    await t.db.projects.update(unnamed.id, unnamed.lockVersion, { name: null }, new Date('2026-01-02T00:00:00Z'));
    const gone = await createProject(t.ctx, owner, { name: 'Deleted one' });
    await t.db.projects.update(gone.id, gone.lockVersion, { deletedAt: new Date() }, new Date('2026-01-04T00:00:00Z'));

    const res = await request(t.app).get('/feed').buffer(true).parse((response, callback) => {
      let data = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (data += chunk));
      response.on('end', () => { callback(null, data); });
    }).expect(200);
    const xml = res.body as string;
    expect(res.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    expect(res.headers['set-cookie']).toBeUndefined();
    expectWellFormedXml(xml);
    expect(xml).toContain('<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">');
    expect(xml).toContain('<title>OpenSSF Best Practices BadgeApp Updated Projects</title>');
    expect(xml).toContain('<updated>2026-01-03T00:00:00.000Z</updated>\n  <entry>');
    expect(xml).not.toContain('Deleted one');

    const list = entries(xml);
    expect(list).toHaveLength(3);
    expect(list[0]).toContain('<title>Evil &lt;script&gt;&amp;&quot;Co&quot;</title>');
    expect(list[0]).toContain(`<link rel="alternate" type="text/html" href="https://badges.example.org/projects/${evil.id}"/>`);
    expect(list[0]).toContain('<updated>2026-01-03T00:00:00.000Z</updated>');
    expect(list[0]).toContain('<name>Owner &lt;b&gt;</name>');
    // Content is HTML escaped as XML text: the user's markup is escaped twice, ours once.
    expect(list[0]).toContain('&lt;b&gt;In Progress: 42%&lt;/b&gt; (Tiered 42%)');
    expect(list[0]).toContain('Uses &amp;lt;b&amp;gt;tags&amp;lt;/b&amp;gt; &amp;amp; see');
    expect(list[0]).not.toContain('<b>');
    expect(list[1]).toContain('<title>(Name unknown)</title>');
    expect(list[2]).toContain('<title>Old project</title>');
    expect(list[2]).toContain('&lt;b&gt;Silver&lt;/b&gt; (Tiered 250%)');
  });

  it('adds the baseline level (or baseline-1 progress) to projects that began the baseline series', async () => {
    const owner = await createUser(t.ctx);
    const holder = await createProject(t.ctx, owner, { name: 'Baseline holder' });
    await t.db.projects.update(holder.id, holder.lockVersion, { tieredPercentage: 100, badgePercentage0: 100, badgePercentageBaseline1: 100, badgePercentageBaseline2: 40, baselineTieredPercentage: 140 }, new Date('2026-01-07T00:00:00Z'));
    const starter = await createProject(t.ctx, owner, { name: 'Baseline starter' });
    await t.db.projects.update(starter.id, starter.lockVersion, { tieredPercentage: 0, badgePercentage0: 0, badgePercentageBaseline1: 42, baselineTieredPercentage: 42 }, new Date('2026-01-06T00:00:00Z'));
    const metalOnly = await createProject(t.ctx, owner, { name: 'Metal only' });
    await t.db.projects.update(metalOnly.id, metalOnly.lockVersion, { tieredPercentage: 30, badgePercentage0: 30 }, new Date('2026-01-05T00:00:00Z'));

    const res = await request(t.app).get('/feed').buffer(true).parse((response, callback) => {
      let data = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (data += chunk));
      response.on('end', () => { callback(null, data); });
    }).expect(200);
    const xml = res.body as string;
    expectWellFormedXml(xml);
    const [first, second, third] = entries(xml);
    expect(first).toContain('<title>Baseline holder</title>');
    expect(first).toContain('&lt;b&gt;Passing&lt;/b&gt; (Tiered 100%)&lt;/p&gt;&lt;p&gt;&lt;b&gt;Baseline Level 1&lt;/b&gt; (Baseline tiered 140%)');
    expect(second).toContain('<title>Baseline starter</title>');
    expect(second).toContain('&lt;b&gt;In Progress: 0%&lt;/b&gt; (Tiered 0%)&lt;/p&gt;&lt;p&gt;&lt;b&gt;Baseline In Progress: 42%&lt;/b&gt; (Baseline tiered 42%)');
    expect(third).toContain('<title>Metal only</title>');
    expect(third).not.toContain('Baseline');
  });

  it('lists at most 50 entries', async () => {
    const owner = await createUser(t.ctx);
    for (let i = 0; i < 50; i++) await createProject(t.ctx, owner);
    const res = await request(t.app).get('/feed').buffer(true).parse((response, callback) => {
      let data = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (data += chunk));
      response.on('end', () => { callback(null, data); });
    }).expect(200);
    const xml = res.body as string;
    expectWellFormedXml(xml);
    expect(entries(xml)).toHaveLength(50);
    expect(xml).not.toContain('<title>Old project</title>');
  });
});
