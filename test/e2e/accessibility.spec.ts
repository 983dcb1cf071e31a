import fs from 'node:fs';
import { createRequire } from 'node:module';
import { expect, test, type Page } from '@playwright/test';
import { watchForErrors } from './browser-errors.ts';
import { databaseUrl } from './database.ts';
import { closedDatabaseUrl, startAppInProcess } from './error-server.ts';
import { linkFrom, waitForMail } from './mailbox.ts';
import { adminPages, anonymousPages, buildSite, ownerPages, type Visit } from './site.ts';

/**
 * The accessibility gate: axe-core checks every page type against WCAG 2.1 A and AA at a desktop
 * and a phone width, signed in and anonymous, including every error page (404, 403, 409, 413,
 * 429, 500, 503), the pages reached from mail (activation, password reset, email change,
 * unsubscribe) and forms that came back with errors, which must open with their error summary.
 * Any violation fails the run with its rule, the elements and the rule's help page.
 *
 * The 500 and 503 pages and the pages of the BADGEAPP_DENY_LOGIN switch would break the shared
 * server for every other spec, so they come from the same application started in the test
 * process (test/e2e/error-server.ts): one whose store call fails, one with no database behind
 * it, one with the switch on.
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

/** A form that came back with errors opens with its summary: the first element of main. */
async function expectSummaryFirst(page: Page): Promise<void> {
  await expect(page.locator('main > :first-child')).toHaveAttribute('id', 'error-summary');
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
    await expectSummaryFirst(anonymous);
    await check(anonymous, 'sign-up with errors', found);

    await alice.goto('/projects/new');
    // Neither address: the server refuses what the browser lets through.
    await alice.getByRole('button', { name: 'Register project' }).click();
    await expect(alice.locator('.form-errors')).toBeVisible();
    await expectSummaryFirst(alice);
    await check(alice, 'new project with errors', found);

    await alice.goto(`/projects/${site.projectId}/collaborators`);
    await alice.getByLabel('User id or email address').fill('nobody-at-all@example.org');
    await alice.getByRole('button', { name: 'Add collaborator' }).click();
    await expect(alice.locator('.form-errors')).toBeVisible();
    await expectSummaryFirst(alice);
    await check(alice, 'collaborators with errors', found);

    // The form's own fields are checked on the server only (novalidate).
    await alice.goto(`/projects/${site.projectId}/passing/edit`);
    await alice.getByLabel('Project home page URL', { exact: true }).fill('not an address');
    await alice.getByRole('button', { name: 'Save and continue' }).first().click();
    await expect(alice.locator('#error-summary')).toBeFocused();
    await expectSummaryFirst(alice);
    await check(alice, 'project form with errors', found);

    await alice.goto(`/projects/${site.projectId}/delete`);
    // Long enough for the browser's own check, but only spaces: the server refuses it.
    await alice.getByRole('textbox').fill(' '.repeat(60));
    await alice.getByRole('button', { name: /delete/i }).click();
    await expect(alice.locator('#error-summary')).toBeFocused();
    await expectSummaryFirst(alice);
    await check(alice, 'delete with errors', found);

    await alice.goto('/account');
    await alice.getByLabel('New email address').fill(`changed-${site.aliceId}@example.org`);
    await alice.locator('#current_password_email').fill('not the password at all');
    await alice.getByRole('button', { name: 'Change email address' }).click();
    await expect(alice.locator('#error-summary')).toBeFocused();
    await expectSummaryFirst(alice);
    await check(alice, 'account with errors', found);
  });

  await test.step('a save over a newer one (409): the form again, with what to do', async () => {
    const { alice } = site;
    const edit = `/projects/${site.projectId}/silver/edit`;
    await alice.goto(edit);
    // The same entry saved meanwhile from another tab of the same session.
    const other = await alice.context().newPage();
    await other.goto(edit);
    await other.getByRole('button', { name: 'Save and continue' }).first().click();
    await expect(other.locator('.flash[role=status]').first()).toBeVisible();
    await other.close();
    const [response] = await Promise.all([alice.waitForResponse((r) => r.url().endsWith(edit) && r.request().method() === 'POST'), alice.getByRole('button', { name: 'Save and continue' }).first().click()]);
    expect(response.status()).toBe(409);
    await expectSummaryFirst(alice);
    await check(alice, 'stale save (409)', found);
  });

  await test.step('a form body over the size limit (413)', async () => {
    const { alice } = site;
    await alice.goto('/projects/new');
    // More than the 256 kB a form may send; the browser's own length limit is taken off first.
    await alice.getByLabel('Description', { exact: true }).evaluate((textarea, size) => {
      const area = textarea as unknown as { removeAttribute(name: string): void; value: string };
      area.removeAttribute('maxlength');
      area.value = 'x'.repeat(size);
    }, 300 * 1024);
    const [response] = await Promise.all([alice.waitForResponse((r) => r.url().endsWith('/projects') && r.request().method() === 'POST'), alice.getByRole('button', { name: 'Register project' }).click()]);
    expect(response.status()).toBe(413);
    await expect(alice.getByRole('heading', { level: 1 })).toBeVisible();
    await check(alice, 'body too large (413)', found);
  });

  await test.step('pages reached from mail: unsubscribe, email change confirmation, activation link', async () => {
    const { alice, bob, anonymous } = site;
    // Bob was told by mail that he collaborates now; the notice carries a one-click unsubscribe link.
    const notice = await waitForMail(site.people.bob.email, /You can now edit/);
    const unsubscribe = linkFrom(notice, '/unsubscribe');
    await anonymous.goto(unsubscribe);
    await check(anonymous, 'unsubscribe', found);
    await anonymous.getByRole('button').filter({ hasText: /unsubscribe/i }).click();
    await expect(anonymous.getByRole('heading', { level: 1 })).toBeVisible();
    await check(anonymous, 'unsubscribed', found);
    expect((await anonymous.goto('/unsubscribe?user=1&issued=1&token=forged'))?.status()).toBe(400);
    await check(anonymous, 'unsubscribe, forged link', found);

    const newAddress = `bob-new-${site.bobId}@example.org`;
    await bob.goto('/account');
    await bob.getByLabel('New email address').fill(newAddress);
    await bob.locator('#current_password_email').fill(site.people.bob.password);
    await bob.getByRole('button', { name: 'Change email address' }).click();
    await expect(bob.locator('.flash[role=status]')).toBeVisible();
    const confirm = linkFrom(await waitForMail(newAddress, /Confirm your new email address/), '/email_changes/');
    await anonymous.goto(confirm);
    await check(anonymous, 'email change confirmation', found);
    expect((await anonymous.goto('/email_changes/not-a-token'))?.status()).toBe(404);
    await check(anonymous, 'email change, unknown link', found);

    expect((await anonymous.goto('/account_activations/not-a-token'))?.status()).toBe(404);
    await check(anonymous, 'activation, unknown link', found);
    await alice.goto('/en');
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

test('the 500 and 503 pages and the pages of the login switch pass axe at 1280 and 390 px', async ({ browser }) => {
  test.setTimeout(60_000);
  const found: string[] = [];
  const failing = await startAppInProcess(databaseUrl());
  const noDatabase = await startAppInProcess(await closedDatabaseUrl());
  const denied = await startAppInProcess(databaseUrl(), { BADGEAPP_DENY_LOGIN: 'true' });
  try {
    await test.step('500: a store call fails unexpectedly', async () => {
      failing.db.list.matchingIds = () => Promise.reject(new Error('an unexpected failure the page must not show'));
      const page = await (await browser.newContext({ baseURL: failing.baseURL })).newPage();
      const response = await page.goto('/projects?as=badge&url=https://example.org/x');
      expect(response?.status()).toBe(500);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await expect(page.locator('body')).not.toContainText('unexpected failure');
      await check(page, '500', found);
    });

    await test.step('503: no database behind the application', async () => {
      const page = await (await browser.newContext({ baseURL: noDatabase.baseURL })).newPage();
      for (const path of ['/projects/1/passing', '/projects']) {
        const response = await page.goto(path);
        expect(response?.status(), path).toBe(503);
        await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
        await check(page, `503 at ${path}`, found);
      }
    });

    await test.step('BADGEAPP_DENY_LOGIN: the notice instead of the login and sign-up forms, the refusal of a write', async () => {
      const page = await (await browser.newContext({ baseURL: denied.baseURL })).newPage();
      for (const path of ['/login', '/signup']) {
        expect((await page.goto(path))?.status(), path).toBe(200);
        await expect(page.getByRole('button', { name: 'Log in' })).toHaveCount(0);
        await check(page, `${path} while logins are denied`, found);
      }
      // Any write is refused; the browser posts one as a form would.
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST'),
        page.evaluate(`(() => { const f = document.createElement('form'); f.method = 'post'; f.action = '/users'; document.body.append(f); f.submit(); })()`),
      ]);
      expect(response.status()).toBe(503);
      await page.waitForLoadState();
      await check(page, 'write refused while logins are denied (503)', found);
    });
  } finally {
    await failing.close();
    await noDatabase.close();
    await denied.close();
  }
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
