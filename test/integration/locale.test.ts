import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { criteriaCoverage, localisedCriterionText, EnglishFallback } from '../../src/i18n.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { createProject, createUser, csrfFor, csrfFrom, loginAs } from '../support/factories.ts';
import { waitForMail } from '../support/smtp.ts';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
});

afterAll(async () => {
  await t.close();
});

const htmlLang = (html: string) => /<html lang="([^"]+)"/.exec(html)?.[1];

/** Local links and form targets of a page, without the language switcher's. */
function localTargets(html: string): string[] {
  const withoutSwitcher = html.replace(/<nav class="language-switcher"[\s\S]*?<\/nav>/, '');
  return [...withoutSwitcher.matchAll(/\s(?:href|action)="(\/[^"]*)"/g)].map((m) => m[1]!);
}

describe('the language of a request', () => {
  it('comes from the prefix first, then the saved preference, then Accept-Language, then English', async () => {
    const user = await createUser(t.ctx);
    await t.db.users.updateProfile(user.id, { preferredLocale: 'fr' });
    const agent = await loginAs(t.app, user);
    // Prefix beats preference and header.
    expect(htmlLang((await agent.get('/ja/projects').set('Accept-Language', 'de').expect(200)).text)).toBe('ja');
    // Preference beats header.
    expect(htmlLang((await agent.get('/projects').set('Accept-Language', 'de').expect(200)).text)).toBe('fr');
    // Anonymous: the header, with q-values weighed and Chinese scripts mapped.
    const anon = request(t.app);
    expect(htmlLang((await anon.get('/projects').set('Accept-Language', 'en;q=0.5, es;q=0.9, de;q=0.7').expect(200)).text)).toBe('es');
    expect(htmlLang((await anon.get('/projects').set('Accept-Language', 'zh-Hans-CN, en;q=0.1').expect(200)).text)).toBe('zh-CN');
    expect(htmlLang((await anon.get('/projects').set('Accept-Language', 'zh-TW, ja;q=0.2').expect(200)).text)).toBe('ja');
    expect(htmlLang((await anon.get('/projects').set('Accept-Language', 'de;q=0, pt-BR').expect(200)).text)).toBe('en');
    const plain = await anon.get('/projects').expect(200);
    expect(htmlLang(plain.text)).toBe('en');
    expect(plain.headers.vary).toContain('Accept-Language');
  });

  it('answers every locale prefix on the pages, /fr/projects included', async () => {
    for (const locale of ['en', 'de', 'fr', 'es', 'ja', 'zh-CN']) {
      const res = await request(t.app).get(`/${locale}/projects`).expect(200);
      expect(htmlLang(res.text)).toBe(locale);
      await request(t.app).get(`/${locale}/criteria`).expect(200);
      await request(t.app).get(`/${locale}/login`).expect(200);
    }
  });

  it('keeps the prefix on every local link, form and redirect', async () => {
    const owner = await createUser(t.ctx);
    const project = await createProject(t.ctx, owner);
    const agent = await loginAs(t.app, owner);
    for (const path of [`/de/projects/${project.id}/passing`, `/de/projects/${project.id}/passing/edit`, '/de/projects/new', '/de/account', '/de/criteria']) {
      const page = await agent.get(path).expect(200);
      const targets = localTargets(page.text);
      expect(targets.length, path).toBeGreaterThan(5);
      const unprefixed = targets.filter((target) => !/^\/de(\/|$)/.test(target) && !/^\/(css|js)\/|^\/(favicon|logo)\.svg$/.test(target) && !/^\/projects\/\d+(\.json|\/(badge|baseline))/.test(target));
      expect(unprefixed, path).toEqual([]);
    }
    // A redirect after a form keeps the language.
    const created = await agent
      .post('/de/projects')
      .type('form')
      .send({ _csrf: await csrfFor(agent, '/de/projects/new'), repo_url: `https://github.com/acme/locale-${process.pid}`, name: 'Lokal' })
      .expect(303);
    expect(created.headers.location).toMatch(/^\/de\/projects\/\d+\/passing\/edit$/);
    // Login redirect for an anonymous visitor, too.
    await request(t.app).get('/fr/account').expect(303).expect('location', '/fr/login');
  });

  it('offers a switcher on every page: plain links to the same path in each language, named in that language', async () => {
    const project = await createProject(t.ctx, await createUser(t.ctx));
    const page = await request(t.app).get(`/ja/projects/${project.id}/passing?x=1`).expect(200);
    const switcher = /<nav class="language-switcher" aria-label="[^"]+">([\s\S]*?)<\/nav>/.exec(page.text)?.[1] ?? '';
    expect(switcher).toContain(`<a href="/de/projects/${project.id}/passing?x=1" lang="de">Deutsch</a>`);
    expect(switcher).toContain(`<a href="/zh-CN/projects/${project.id}/passing?x=1" lang="zh-CN">简体中文</a>`);
    expect(switcher).toMatch(/<a href="\/ja\/projects\/\d+\/passing\?x=1" lang="ja" aria-current="true" title="[^"]+">日本語<\/a>/);
    const error = await request(t.app).get('/fr/no-such-page').expect(404);
    // On an error page it leads to each language's home: the page never echoes its address.
    expect(error.text).toContain('<a href="/de" lang="de">Deutsch</a>');
    expect(error.text).not.toContain('no-such-page');
  });

  it('formats dates per locale', async () => {
    const project = await createProject(t.ctx, await createUser(t.ctx));
    const created = project.createdAt;
    const de = new Intl.DateTimeFormat('de', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(created);
    const ja = new Intl.DateTimeFormat('ja', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(created);
    expect(de).not.toBe(ja);
    expect((await request(t.app).get(`/de/projects/${project.id}/passing`).expect(200)).text).toContain(de);
    expect((await request(t.app).get(`/ja/projects/${project.id}/passing`).expect(200)).text).toContain(ja);
  });
});

describe('translated text', () => {
  it('translates error messages per request', async () => {
    t.ctx.i18n.addResource('fr', 'translation', 'errors.not_found_text', 'Rien ici (test).');
    t.ctx.i18n.addResource('fr', 'translation', 'errors.not_found.page', 'Page introuvable (test).');
    const page = await request(t.app).get('/fr/no-such-page').expect(404);
    expect(page.text).toContain('Rien ici (test).');
    const json = await request(t.app).get('/no-such.json').set('Accept-Language', 'fr').expect(404);
    expect((json.body as { error: string }).error).toBe('Page introuvable (test).');
  });

  it('sends mail in the recipient\'s language: the one the account was created in', async () => {
    t.ctx.i18n.addResource('de', 'mail', 'activation.subject', 'Konto aktivieren (Test)');
    const agent = request.agent(t.app);
    const form = await agent.get('/de/signup').expect(200);
    const email = `locale-${process.pid}@example.org`;
    await agent
      .post('/de/users')
      .type('form')
      .send({ _csrf: csrfFrom(form.text), name: 'Lena', email, password: 'a long enough passphrase', password_confirmation: 'a long enough passphrase' })
      .expect(303);
    expect((await t.db.users.findLocalByEmail(email))!.preferredLocale).toBe('de');
    const mail = await waitForMail(t.mail, email);
    expect(mail.subject).toBe('Konto aktivieren (Test)');
    // Its link opens the page in German too, whatever the browser sends.
    expect(mail.text).toContain('http://localhost:3000/de/account_activations/');
  });

  it('records entry_locale from the language the project was created in, and never translates justifications', async () => {
    const owner = await createUser(t.ctx);
    const agent = await loginAs(t.app, owner);
    const created = await agent
      .post('/ja/projects')
      .type('form')
      .send({ _csrf: await csrfFor(agent, '/ja/projects/new'), repo_url: `https://github.com/acme/entry-${process.pid}`, name: 'Entry' })
      .expect(303);
    const id = Number(/\/projects\/(\d+)\//.exec(created.headers.location as string)![1]);
    expect((await t.db.projects.findById(id))!.entryLocale).toBe('ja');
    // A justification that happens to be a translation key is shown as typed, in every language.
    const project = await createProject(t.ctx, owner, { answers: { description_good: { status: 3, justification: 'nav.login' } } });
    await t.db.pool.query("UPDATE projects SET entry_locale = 'ja', description = 'Beschreibung' WHERE id = $1", [project.id]);
    const page = await request(t.app).get(`/de/projects/${project.id}/passing`).expect(200);
    expect(page.text).toContain('nav.login');
    // The project's own words carry the language they were entered in, not the page's.
    expect(page.text).toContain('<div class="description" lang="ja">');
    expect(page.text).toContain('<div class="justification" lang="ja">');
    const form = await agent.get(`/de/projects/${project.id}/passing/edit`).expect(200);
    expect(form.text).toMatch(/<textarea id="description_good_justification" name="description_good_justification" lang="ja"/);
  });

  it('shows criteria text of the locale, English where it lacks a string, marked as English, and the coverage per locale', async () => {
    const set = t.ctx.criteria;
    const [first, second] = set.level('passing')!.criteria;
    // Only one translated description, whatever the translators' files hold today.
    t.ctx.i18n.removeResourceBundle('ja', 'criteria');
    t.ctx.i18n.addResourceBundle('ja', 'criteria', { passing: { [first!.id]: { description: '日本語の説明(テスト)' } } });
    expect(localisedCriterionText(t.ctx.i18n, 'ja', first!, 'description')).toBe('日本語の説明(テスト)');
    expect(localisedCriterionText(t.ctx.i18n, 'ja', second!, 'description')).toBeInstanceOf(EnglishFallback);
    expect(localisedCriterionText(t.ctx.i18n, 'en', second!, 'description')).not.toBeInstanceOf(EnglishFallback);

    const project = await createProject(t.ctx, await createUser(t.ctx));
    const page = await request(t.app).get(`/ja/projects/${project.id}/passing`).expect(200);
    expect(page.text).toContain('<span class="criterion-text">日本語の説明(テスト)</span>');
    expect(page.text).toMatch(new RegExp(`id="${second!.id}"[\\s\\S]{0,200}<span class="criterion-text"><span lang="en">`));
    expect(page.text).toContain('class="translation-fallback"');
    // English pages mark nothing.
    expect((await request(t.app).get(`/en/projects/${project.id}/passing`).expect(200)).text).not.toContain('translation-fallback');

    const criteriaPage = await request(t.app).get('/ja/criteria/passing').expect(200);
    expect(criteriaPage.text).toContain('<span class="criterion-text">日本語の説明(テスト)</span>');
    const coverage = criteriaCoverage(t.ctx.i18n, set);
    const ja = coverage.find((c) => c.locale === 'ja')!;
    expect(ja.translated).toBe(1);
    expect(coverage.find((c) => c.locale === 'en')!.percent).toBe(100);
    expect(criteriaPage.text).toMatch(/<tr data-locale="ja"><th scope="row" lang="ja">日本語<\/th><td>[^<]*1[^<]*<\/td><\/tr>/);
  });
});
