import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { watchForErrors } from './browser-errors.ts';
import { linkFrom, waitForMail } from './mailbox.ts';
import { uniqueSuffix } from './site.ts';

/**
 * The first steps of a maintainer in German and in Japanese: sign-up, activation from the mail,
 * login, a new project and the passing form. On every page, no visible text or read attribute
 * may be an English UI string, except where English is the translation too, criterion ids, the
 * person's own text and criteria text marked lang="en" (an untranslated criterion, announced as
 * English). The browser asks for English, so only the address chooses the language.
 */

const localesDir = path.resolve(import.meta.dirname, '../../locales');

type Tree = { [key: string]: string | Tree };
function flatten(tree: Tree, prefix = '', out = new Map<string, string>()): Map<string, string> {
  for (const [key, value] of Object.entries(tree)) {
    const full = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(full, value);
    else flatten(value, full, out);
  }
  return out;
}
function strings(locale: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of fs.readdirSync(path.join(localesDir, 'en'))) {
    const full = path.join(localesDir, locale, file);
    if (!fs.existsSync(full)) continue;
    for (const [k, v] of flatten(JSON.parse(fs.readFileSync(full, 'utf8')) as Tree)) out.set(`${file}:${k}`, v);
  }
  return out;
}

/**
 * English UI text that must not appear: whole strings without placeholders, and the fixed parts
 * (12 characters or more) of strings with placeholders. Strings the locale writes the same way,
 * or uses anywhere as its own text, are left out.
 */
function englishFor(locale: string): { whole: Set<string>; parts: string[] } {
  const en = strings('en');
  const own = strings(locale);
  const ownValues = new Set(own.values());
  const whole = new Set<string>();
  const parts: string[] = [];
  for (const [key, value] of en) {
    if (own.get(key) === value || ownValues.has(value) || !/\p{L}{2,}/u.test(value)) continue;
    if (value.includes('{{')) {
      for (const part of value.split(/\{\{[^}]*\}\}/)) if (part.trim().length >= 12 && ![...ownValues].some((v) => v.includes(part.trim()))) parts.push(part.trim());
    } else {
      whole.add(value.trim());
    }
  }
  return { whole, parts };
}

/**
 * Visible text nodes and read attributes, leaving out anything inside lang="en" or a criterion id.
 * A string of browser code: the project's type check knows no DOM.
 */
const READABLE_TEXTS = `(() => {
  const out = [];
  const skipped = (el) => !el || el.closest('[lang="en"], .criterion-id, script, style, code, pre') !== null;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    const text = (node.textContent || '').trim();
    if (!text || skipped(el) || !el.checkVisibility()) continue;
    out.push(text);
  }
  for (const el of document.querySelectorAll('[placeholder], [aria-label], [title], [alt], input[type=submit][value]')) {
    if (skipped(el)) continue;
    for (const name of ['placeholder', 'aria-label', 'title', 'alt', 'value']) {
      const value = (el.getAttribute(name) || '').trim();
      if (value && (name !== 'value' || el.getAttribute('type') === 'submit')) out.push(value);
    }
  }
  out.push(document.title);
  return out;
})()`;

async function readableTexts(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(READABLE_TEXTS);
}

async function expectNoEnglish(page: Page, locale: string, what: string): Promise<void> {
  await expect(page.locator('html')).toHaveAttribute('lang', locale);
  const { whole, parts } = englishFor(locale);
  const found = (await readableTexts(page)).filter((text) => whole.has(text) || parts.some((p) => text.includes(p)));
  expect([...new Set(found)], `English on the ${what} page (${page.url()})`).toEqual([]);
}

for (const locale of ['de', 'ja']) {
  test(`a maintainer signs up and starts a project entirely in ${locale}`, async ({ browser, baseURL }) => {
    test.setTimeout(90_000);
    test.skip(!fs.existsSync(path.join(localesDir, locale)), `locales/${locale} does not exist yet`);
    const context = await browser.newContext({ baseURL, locale: 'en-US' });
    const page = await context.newPage();
    const errors = watchForErrors(page, locale);
    const unique = uniqueSuffix();
    const who = { name: `Mika ${unique}`, email: `mika-${locale}-${unique}@example.org`, password: 'Mika picks a long passphrase nobody guesses' };

    await page.goto(`/${locale}/signup`);
    await expectNoEnglish(page, locale, 'sign-up');
    await page.locator('input[name=name]').fill(who.name);
    await page.locator('input[name=email]').fill(who.email);
    await page.locator('input[name=password]').fill(who.password);
    await page.locator('input[name=password_confirmation]').fill(who.password);
    await page.locator('main form button[type=submit]').click();
    await expect(page).toHaveURL(new RegExp(`/${locale}/signup/sent$`));
    await expectNoEnglish(page, locale, 'sign-up sent');

    const mail = await waitForMail(who.email);
    expect(mail.subject).not.toMatch(/^Activate your /);
    const link = linkFrom(mail, '/account_activations/');
    expect(link.startsWith(`/${locale}/`)).toBe(true);
    await page.goto(link);
    await expectNoEnglish(page, locale, 'activation');
    await page.locator('main form button[type=submit]').click();
    await expect(page).toHaveURL(new RegExp(`/${locale}/login$`));
    await expectNoEnglish(page, locale, 'login');
    await page.locator('input[name=email]').fill(who.email);
    await page.locator('input[name=password]').fill(who.password);
    await page.locator('main form:has(input[name=password]) button[type=submit]').click();
    await expect(page.locator('.site-header .user')).toContainText(who.name);
    await expectNoEnglish(page, locale, 'home after login');

    await page.goto(`/${locale}/projects/new`);
    await expectNoEnglish(page, locale, 'new project');
    await page.locator('input[name=repo_url]').fill(`https://github.com/e2e/i18n-${locale}-${unique}`);
    await page.locator('input[name=name]').fill(`i18n-${locale}-${unique}`);
    await page.locator('main form button[type=submit]').last().click();
    await expect(page).toHaveURL(new RegExp(`/${locale}/projects/\\d+/passing/edit$`));
    await expectNoEnglish(page, locale, 'passing form');

    expect(errors).toEqual([]);
    await context.close();
  });
}
