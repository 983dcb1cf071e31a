import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { escapeMarkdown } from '../../src/presenters/project-markdown.ts';
import { STATUS } from '../../src/services/scoring/index.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { createProject, createUser } from '../support/factories.ts';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
});

afterAll(async () => {
  await t.close();
});

describe('user text in the Markdown export', () => {
  it('passes no raw HTML, link, image or code span from the name or a justification', async () => {
    const met = t.ctx.criteria.level('passing')!.criteria[0]!;
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner, {
      name: 'Widget <script>alert(1)</script> & `code` [x](javascript:alert(1))',
      answers: {
        [met.id]: {
          status: STATUS.met,
          justification: '<img src=x onerror=alert(1)>\n# Not a heading\n> not a quote\n- not a list\n1. not a list\n    not code\n![i](https://evil.example/p.png)\n<https://evil.example>',
        },
      },
    });
    const res = await request(t.app).get(`/projects/${project.id}/passing.md`).expect(200);
    const text = res.text;
    for (const raw of ['<script', '<img', '<https://', '![i](', '`code`']) expect(text).not.toContain(raw);
    // A bracket is only link syntax when it is not escaped.
    expect(text).not.toMatch(/(?<!\\)\]\(javascript:/);
    expect(text.split('\n')[0]).toBe('# Widget &lt;script&gt;alert(1)&lt;/script&gt; &amp; \\`code\\` \\[x\\](javascript:alert(1))');
    expect(text).toContain(
      [
        '      > &lt;img src=x onerror=alert(1)&gt;',
        '      > \\# Not a heading',
        '      > &gt; not a quote',
        '      > \\- not a list',
        '      > 1\\. not a list',
        '      > not code',
        '      > \\!\\[i\\](https://evil.example/p.png)',
        '      > &lt;https://evil.example&gt;',
      ].join('\n'),
    );
  });

  it.each([
    ['plain words, with a URL https://example.org/a', 'plain words, with a URL https://example.org/a'],
    ['a_b*c~d|e', 'a\\_b\\*c\\~d\\|e'],
    ['back\\slash', 'back\\\\slash'],
    ['+ plus', '\\+ plus'],
    ['=== underline', '\\=== underline'],
    ['2) item', '2\\) item'],
    ['x\r\ny', 'x\ny'],
  ])('escapeMarkdown(%j) is %j', (input, output) => {
    expect(escapeMarkdown(input)).toBe(output);
  });
});
