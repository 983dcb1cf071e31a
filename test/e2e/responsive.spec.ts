import { randomUUID } from 'node:crypto';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { loadCriteria } from '../../src/criteria/index.ts';
import { watchForErrors } from './browser-errors.ts';
import { makeAdmin } from './database.ts';
import { linkFrom, waitForMail } from './mailbox.ts';

/**
 * No page is wider than a phone: every page type, filled with long names and URLs, is measured
 * at 320 and 390 px, and the document must not scroll sideways.
 */

const WIDTHS = [320, 390] as const;
const LEVELS = loadCriteria().levels.map((level) => level.key);

interface Person {
  name: string;
  email: string;
  password: string;
}

function person(first: string, unique: string): Person {
  return { name: `${first} ${unique}`, email: `${first.toLowerCase()}-${unique}@example.org`, password: `${first} picks a long passphrase nobody guesses` };
}

async function signUpAndLogIn(browser: Browser, baseURL: string | undefined, who: Person): Promise<Page> {
  const page = await (await browser.newContext({ baseURL })).newPage();
  await page.goto('/signup');
  await page.getByLabel(/^Name/).fill(who.name);
  await page.getByLabel(/^Email address/).fill(who.email);
  await page.getByLabel(/^Password/).fill(who.password);
  await page.getByLabel(/^Confirm password/).fill(who.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Check your email' })).toBeVisible();
  const mail = await waitForMail(who.email, /^Activate your /);
  await page.goto(linkFrom(mail, '/account_activations/'));
  await page.getByRole('button', { name: 'Activate my account' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.getByLabel(/^Email address/).fill(who.email);
  await page.getByLabel(/^Password/).fill(who.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByText(`Signed in as ${who.name}`)).toBeVisible();
  return page;
}

async function userId(page: Page): Promise<number> {
  await page.goto('/account');
  const sentence = await page.getByText(/^Your user id is \d+\./).innerText();
  return Number(/Your user id is (\d+)\./.exec(sentence)![1]);
}

async function registerProject(page: Page, name: string, repoUrl: string, homepageUrl: string): Promise<number> {
  await page.goto('/projects/new');
  await page.getByLabel('Source repository URL').fill(repoUrl);
  await page.getByLabel('Project home page URL').fill(homepageUrl);
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Description', { exact: true }).fill(`A description holding an unbroken address: ${homepageUrl}?${'q'.repeat(80)}`);
  await page.getByRole('button', { name: 'Register project' }).click();
  await expect(page).toHaveURL(/\/projects\/\d+\/passing\/edit$/);
  return Number(/\/projects\/(\d+)\//.exec(page.url())![1]);
}

/** The document's scroll width against the viewport's (an expression: this code has no DOM types). */
function widthsOf(page: Page): Promise<{ scrollWidth: number; innerWidth: number }> {
  return page.evaluate<{ scrollWidth: number; innerWidth: number }>('({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth })');
}

/** Visits each path at each width; returns every page that is wider than the viewport. */
async function measure(page: Page, paths: readonly (readonly [string, number])[]): Promise<string[]> {
  const tooWide: string[] = [];
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 800 });
    for (const [path, status] of paths) {
      const response = await page.goto(path);
      expect.soft(response?.status(), `status of ${path}`).toBe(status);
      const { scrollWidth, innerWidth } = await widthsOf(page);
      if (scrollWidth > innerWidth) tooWide.push(`${path} at ${width} px: ${scrollWidth} px wide`);
    }
  }
  return tooWide;
}

test('every page type fits a 320 and a 390 px wide screen', async ({ browser, baseURL }) => {
  test.setTimeout(180_000);
  const unique = `${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`;
  // Long unbroken names and addresses, as real entries have.
  const longName = `responsive-${unique}-${'averyveryverylongprojectnamewithoutanybreaks'.repeat(2)}`;
  const longPath = `${'a-really-long-repository-path-segment-'.repeat(4)}${unique}`;
  const homepage = `https://example.org/${longPath}/index.html`;
  const alice = person('Alice', unique);
  const bob = person('Bob', unique);

  const alicePage = await signUpAndLogIn(browser, baseURL, alice);
  const aliceErrors = watchForErrors(alicePage, 'Alice');
  const aliceId = await userId(alicePage);

  const projectId = await registerProject(alicePage, longName, `https://github.com/e2e-organisation/${longPath}`, homepage);
  // Same home page as the first entry: the badge lookup by URL becomes ambiguous (409).
  const offeredId = await registerProject(alicePage, `${longName}-offered`, `https://github.com/e2e-organisation/${longPath}-offered`, homepage);
  const deletedId = await registerProject(alicePage, `${longName}-deleted`, `https://github.com/e2e-organisation/${longPath}-deleted`, `https://example.org/${longPath}-deleted`);

  const bobPage = await signUpAndLogIn(browser, baseURL, bob);
  const bobErrors = watchForErrors(bobPage, 'Bob');
  const bobId = await userId(bobPage);
  await makeAdmin(bobId);

  await test.step('Alice adds Bob as a collaborator, offers him a project and deletes another', async () => {
    await alicePage.goto(`/projects/${projectId}/collaborators`);
    await alicePage.getByLabel('User id or email address').fill(String(bobId));
    await alicePage.getByRole('button', { name: 'Add collaborator' }).click();
    await expect(alicePage.locator('.flash[role=status]')).toContainText('is now a collaborator');

    await alicePage.goto(`/projects/${offeredId}/transfer`);
    await alicePage.getByLabel(/^New owner/).fill(bob.email);
    await alicePage.getByRole('button', { name: 'Send offer' }).click();
    await expect(alicePage.locator('.flash[role=status]')).toContainText('was offered to');

    await alicePage.goto(`/projects/${deletedId}/delete`);
    await alicePage.getByRole('textbox').fill('This entry was registered twice by mistake; the other entry is the real one.');
    await alicePage.getByRole('button', { name: /delete/i }).click();
    await expect(alicePage.locator('.flash[role=status]')).toBeVisible();
  });

  const project = `/projects/${projectId}`;
  const aliceTooWide = await test.step('signed-in pages', () =>
    measure(alicePage, [
      ['/en', 200],
      ['/projects', 200],
      [`/projects?q=${encodeURIComponent(longName)}`, 200],
      ...LEVELS.map((level) => [`${project}/${level}`, 200] as const),
      ...LEVELS.map((level) => [`${project}/${level}/edit`, 200] as const),
      ['/projects/new', 200],
      ['/account', 200],
      ['/account/projects', 200],
      ['/project_stats', 200],
      ['/criteria_stats', 200],
      ['/obstacles', 200],
      ['/criteria', 200],
      ...LEVELS.map((level) => [`/criteria/${level}`, 200] as const),
      ['/api', 200],
      ['/export', 200],
      [`${project}/history`, 200],
      [`${project}/collaborators`, 200],
      ['/transfers', 200],
      [`/projects/${offeredId}/transfer`, 200],
      [`${project}/delete`, 200],
      // Error pages: missing, forbidden, ambiguous lookup.
      [`/no-such-page/${longPath}`, 404],
      ['/admin', 403],
      [`/projects?as=badge&url=${encodeURIComponent(homepage)}`, 409],
    ]),
  );

  const bobTooWide = await test.step('admin pages and an incoming offer', () =>
    measure(bobPage, [
      ['/admin', 200],
      ['/admin/users', 200],
      [`/admin/users/${aliceId}`, 200],
      ['/admin/projects/deleted', 200],
      ['/admin/changes', 200],
      ['/transfers', 200],
    ]),
  );

  const anonymous = await (await browser.newContext({ baseURL })).newPage();
  const anonymousErrors = watchForErrors(anonymous, 'anonymous');
  const anonymousTooWide = await test.step('anonymous pages', () =>
    measure(anonymous, [
      ['/en', 200],
      ['/login', 200],
      ['/signup', 200],
      ['/password_resets/new', 200],
      ['/account_activations/new', 200],
      [`${project}/passing`, 200],
      [`/projects/987654321/passing`, 404],
    ]),
  );

  await test.step('the folded menu opens without script and fits as well', async () => {
    await alicePage.setViewportSize({ width: 320, height: 800 });
    await alicePage.goto('/en');
    const menu = alicePage.getByRole('navigation', { name: 'Main' });
    await expect(menu.getByRole('link', { name: 'Your account' })).toBeHidden();
    await menu.getByText('Menu', { exact: true }).click();
    await expect(menu.getByRole('link', { name: 'Your account' })).toBeVisible();
    const { scrollWidth, innerWidth } = await widthsOf(alicePage);
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
  });

  expect([...aliceTooWide, ...bobTooWide, ...anonymousTooWide], 'pages wider than the viewport').toEqual([]);
  // Only the deliberately requested error statuses may appear as failed loads.
  const unexpected = [...aliceErrors, ...bobErrors, ...anonymousErrors].filter((e) => !/responded with a status of (403|404|409)\b/.test(e));
  expect(unexpected, 'the browsers reported errors (CSP violations appear here)').toEqual([]);
});
