import fs from 'node:fs';
import { createRequire } from 'node:module';
import { expect, test, type Page } from '@playwright/test';
import { watchForErrors } from './browser-errors.ts';
import { linkFrom, waitForMail } from './mailbox.ts';
import { adminPages, anonymousPages, buildSite, ownerPages, type Visit } from './site.ts';

/**
 * The accessibility gate: axe-core checks every page type against WCAG 2.1 A and AA at a desktop
 * and a phone width, signed in and anonymous, including error pages and forms that came back
 * with errors. Any violation fails the run with its rule, the elements and the rule's help page.
 *
 * Not covered: the 500 page (no request reaches it on purpose; it is the same error template as
 * the 404 and 403 pages, which are checked) and the 503 page (needs the database stopped).
 */

const WIDTHS = [1280, 390] as const;

// axe-core is evaluated through the DevTools protocol (page.evaluate with the file's text), which
// the page's CSP does not govern: addScriptTag({ path }) would insert an inline script that
// `script-src 'self'` blocks, and bypassCSP would test the pages under a different policy than
// visitors get.
const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const AXE_OPTIONS = {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  resultTypes: ['violations'],
};

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  targets: string[];
}

/** The violations on the current document, one line each (this code has no DOM types, hence strings). */
async function axeViolations(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate<boolean>('typeof window.axe === "object"'))) await page.evaluate(AXE_SOURCE);
  return page.evaluate<Violation[]>(
    `axe.run(document, ${JSON.stringify(AXE_OPTIONS)}).then((r) => r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
      targets: v.nodes.map((n) => n.target.join(' ')),
    })))`,
  );
}

function describe(where: string, v: Violation): string {
  const shown = v.targets.slice(0, 5).join(' | ') + (v.targets.length > 5 ? ` | …${v.targets.length - 5} more` : '');
  return `${where}: ${v.id} (${v.impact ?? 'no impact'}) ${v.help} — ${shown} — ${v.helpUrl}`;
}

/** Checks the page as it is at each width (no reload: a resize re-applies the media queries). */
async function check(page: Page, what: string, found: string[]): Promise<void> {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    for (const v of await axeViolations(page)) found.push(describe(`${what} at ${width} px`, v));
  }
}

async function visitAll(page: Page, visits: readonly Visit[], found: string[]): Promise<void> {
  for (const [path, status] of visits) {
    const response = await page.goto(path);
    expect.soft(response?.status(), `status of ${path}`).toBe(status);
    await check(page, path, found);
  }
}

function report(found: string[]): string {
  return `${found.length} accessibility violation(s):\n${found.join('\n')}`;
}

test('every page type passes axe (WCAG 2.1 A and AA) at 1280 and 390 px', async ({ browser, baseURL }) => {
  test.setTimeout(240_000);
  const found: string[] = [];
  const site = await test.step('users, projects, a collaborator, an offer and a deleted project', () =>
    buildSite(browser, baseURL, (page, what) => check(page, what, found)),
  );

  await test.step('signed-in pages', () => visitAll(site.alice, ownerPages(site), found));
  await test.step('admin pages', () => visitAll(site.bob, adminPages(site), found));
  await test.step('anonymous pages', () => visitAll(site.anonymous, anonymousPages(site), found));

  await test.step('an incoming transfer offer', async () => {
    await site.bob.goto('/transfers');
    const href = await site.bob.locator('a[href^="/transfers/"]').first().getAttribute('href');
    expect(href).toMatch(/^\/transfers\/\d+$/);
    await site.bob.goto(href!);
    await check(site.bob, href!, found);
  });

  await test.step('forms that came back with errors', async () => {
    const { alice, anonymous } = site;
    await anonymous.goto('/signup');
    await anonymous.getByLabel(/^Name/).fill('Someone');
    await anonymous.getByLabel(/^Email address/).fill(`mismatch-${site.aliceId}@example.org`);
    await anonymous.getByLabel(/^Password/).fill('one long passphrase nobody guesses');
    await anonymous.getByLabel(/^Confirm password/).fill('another long passphrase nobody guesses');
    await anonymous.getByRole('button', { name: 'Create account' }).click();
    await expect(anonymous.locator('.form-errors')).toBeVisible();
    await check(anonymous, 'sign-up with errors', found);

    await alice.goto('/projects/new');
    // Neither address: the server refuses what the browser lets through.
    await alice.getByRole('button', { name: 'Register project' }).click();
    await expect(alice.locator('.form-errors')).toBeVisible();
    await check(alice, 'new project with errors', found);

    await alice.goto(`/projects/${site.projectId}/collaborators`);
    await alice.getByLabel('User id or email address').fill('nobody-at-all@example.org');
    await alice.getByRole('button', { name: 'Add collaborator' }).click();
    await expect(alice.locator('.form-errors')).toBeVisible();
    await check(alice, 'collaborators with errors', found);

    // The form's own fields are checked on the server only (novalidate).
    await alice.goto(`/projects/${site.projectId}/passing/edit`);
    await alice.getByLabel('Project home page URL', { exact: true }).fill('not an address');
    await alice.getByRole('button', { name: 'Save and continue' }).first().click();
    await expect(alice.locator('#error-summary')).toBeFocused();
    await check(alice, 'project form with errors', found);
  });

  await test.step('password reset: sent, the form from the mail, its errors, an unknown link', async () => {
    const { anonymous } = site;
    await anonymous.goto('/password_resets/new');
    await anonymous.getByLabel(/^Email address/).fill(site.people.alice.email);
    await anonymous.getByRole('button', { name: 'Send reset link' }).click();
    await check(anonymous, 'password reset sent', found);
    const mail = await waitForMail(site.people.alice.email, /password/i);
    await anonymous.goto(linkFrom(mail, '/password_resets/'));
    await check(anonymous, 'password reset form', found);
    await anonymous.getByLabel(/^Password/).fill('one long passphrase nobody guesses');
    await anonymous.getByLabel(/^Confirm password/).fill('another long passphrase nobody guesses');
    await anonymous.getByRole('button', { name: 'Set new password' }).click();
    await expect(anonymous.locator('#error-summary')).toBeFocused();
    await check(anonymous, 'password reset with errors', found);
    await anonymous.goto('/password_resets/not-a-token');
    await check(anonymous, 'password reset, unknown link', found);
  });

  await test.step('too many login attempts (429)', async () => {
    const { anonymous } = site;
    // The per-address limit is 5 attempts in 20 s; an address of its own keeps other specs' logins unaffected.
    const email = `locked-${site.aliceId}@example.org`;
    let status = 0;
    for (let attempt = 0; attempt < 8 && status !== 429; attempt++) {
      await anonymous.goto('/login');
      await anonymous.getByLabel(/^Email address/).fill(email);
      await anonymous.getByLabel(/^Password/).fill('a wrong passphrase');
      const [response] = await Promise.all([anonymous.waitForResponse((r) => r.url().endsWith('/login') && r.request().method() === 'POST'), anonymous.getByRole('button', { name: 'Log in' }).click()]);
      status = response.status();
      if (attempt === 0) await check(anonymous, 'failed login', found);
    }
    expect(status).toBe(429);
    await check(anonymous, 'too many requests (429)', found);
  });

  expect(found, report(found)).toEqual([]);
});

test('a form that comes back with errors starts at its error summary, with and without JavaScript', async ({ browser, baseURL }) => {
  async function submitMismatchedSignUp(page: Page): Promise<void> {
    await page.goto('/signup');
    await page.getByLabel(/^Name/).fill('Someone');
    await page.getByLabel(/^Email address/).fill(`summary-${Date.now().toString(36)}@example.org`);
    await page.getByLabel(/^Password/).fill('one long passphrase nobody guesses');
    await page.getByLabel(/^Confirm password/).fill('another long passphrase nobody guesses');
    await page.getByRole('button', { name: 'Create account' }).click();
  }

  const scripted = await (await browser.newContext({ baseURL })).newPage();
  const errors = watchForErrors(scripted);
  await submitMismatchedSignUp(scripted);
  const summary = scripted.locator('#error-summary');
  await expect(summary.getByRole('heading', { level: 2 })).toBeVisible();
  await expect(summary).toBeFocused();
  // The browser reports the page's own 422 status; anything else (a CSP refusal) is a failure.
  expect(errors.filter((e) => !/status of 422\b/.test(e))).toEqual([]);

  const plain = await (await browser.newContext({ baseURL, javaScriptEnabled: false })).newPage();
  await submitMismatchedSignUp(plain);
  await expect(plain.locator('#error-summary')).not.toBeFocused();
  await plain.keyboard.press('Tab');
  const skip = plain.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await expect(skip).toHaveAttribute('href', '#error-summary');
  await plain.keyboard.press('Enter');
  await expect(plain.locator('#error-summary')).toBeFocused();
});
