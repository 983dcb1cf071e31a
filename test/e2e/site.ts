import { randomUUID } from 'node:crypto';
import { expect, type Browser, type Page } from '@playwright/test';
import { loadCriteria } from '../../src/criteria/index.ts';
import { watchForErrors } from './browser-errors.ts';
import { makeAdmin } from './database.ts';
import { linkFrom, waitForMail } from './mailbox.ts';

/**
 * A populated site for the specs that visit every page type (the narrow-screen and the
 * accessibility checks): two users, three projects, a collaborator, a transfer offer, a deleted
 * project and an administrator, all set up through the pages as people would, with long names and
 * addresses as real entries have.
 */

export const LEVELS = loadCriteria().levels.map((level) => level.key);

export interface Person {
  name: string;
  email: string;
  password: string;
}

export function person(first: string, unique: string): Person {
  return { name: `${first} ${unique}`, email: `${first.toLowerCase()}-${unique}@example.org`, password: `${first} picks a long passphrase nobody guesses` };
}

/** Called on each page the sign-up journey passes (form, sent notice, activation, login). */
export type Visitor = (page: Page, what: string) => Promise<void>;

/** Signs `who` up on `page`, activates the account from its mail and logs in. */
export async function signUpAndLogInOn(page: Page, who: Person, visit?: Visitor): Promise<void> {
  await page.goto('/signup');
  await visit?.(page, 'sign-up form');
  await page.getByLabel(/^Name/).fill(who.name);
  await page.getByLabel(/^Email address/).fill(who.email);
  await page.getByLabel(/^Password/).fill(who.password);
  await page.getByLabel(/^Confirm password/).fill(who.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Check your email' })).toBeVisible();
  await visit?.(page, 'sign-up sent');
  const mail = await waitForMail(who.email, /^Activate your /);
  await page.goto(linkFrom(mail, '/account_activations/'));
  await visit?.(page, 'activation');
  await page.getByRole('button', { name: 'Activate my account' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await visit?.(page, 'login after activation');
  await page.getByLabel(/^Email address/).fill(who.email);
  await page.getByLabel(/^Password/).fill(who.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByText(`Signed in as ${who.name}`)).toBeVisible();
}

/** The same journey in a fresh browser context of its own. */
export async function signUpAndLogIn(browser: Browser, baseURL: string | undefined, who: Person, visit?: Visitor): Promise<Page> {
  const page = await (await browser.newContext({ baseURL })).newPage();
  await signUpAndLogInOn(page, who, visit);
  return page;
}

/** A name unique to this run, for people and projects the test creates. */
export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`;
}

export async function userId(page: Page): Promise<number> {
  await page.goto('/account');
  const sentence = await page.getByText(/^Your user id is \d+\./).innerText();
  return Number(/Your user id is (\d+)\./.exec(sentence)![1]);
}

/** Registers a project through the form; returns its id (the form opens on the passing level). */
export async function registerProject(page: Page, project: { name: string; repoUrl: string; homepageUrl?: string; description?: string }): Promise<number> {
  await page.goto('/projects/new');
  await page.getByLabel('Source repository URL').fill(project.repoUrl);
  if (project.homepageUrl !== undefined) await page.getByLabel('Project home page URL').fill(project.homepageUrl);
  await page.getByLabel('Name', { exact: true }).fill(project.name);
  if (project.description !== undefined) await page.getByLabel('Description', { exact: true }).fill(project.description);
  await page.getByRole('button', { name: 'Register project' }).click();
  await expect(page).toHaveURL(/\/projects\/\d+\/passing\/edit$/);
  return Number(/\/projects\/(\d+)\//.exec(page.url())![1]);
}

/** A description holding an unbroken address, which narrow screens must wrap. */
function unbroken(homepageUrl: string): string {
  return `A description holding an unbroken address: ${homepageUrl}?${'q'.repeat(80)}`;
}

/** A path and the status it must answer with. */
export type Visit = readonly [path: string, status: number];

export interface Site {
  /** Owner of every project; Bob collaborates on the first and has been offered the second. */
  alice: Page;
  /** An administrator. */
  bob: Page;
  anonymous: Page;
  people: { alice: Person; bob: Person };
  /** What each browser reported as an error (CSP violations appear here). */
  errors: { alice: string[]; bob: string[]; anonymous: string[] };
  aliceId: number;
  bobId: number;
  projectId: number;
  offeredId: number;
  deletedId: number;
  longName: string;
  longPath: string;
  homepage: string;
}

/** Builds the site through the pages; `visit` sees the pages of Alice's sign-up journey. */
export async function buildSite(browser: Browser, baseURL: string | undefined, visit?: Visitor): Promise<Site> {
  const unique = uniqueSuffix();
  const longName = `site-${unique}-${'averyveryverylongprojectnamewithoutanybreaks'.repeat(2)}`;
  const longPath = `${'a-really-long-repository-path-segment-'.repeat(4)}${unique}`;
  const homepage = `https://example.org/${longPath}/index.html`;
  const alice = person('Alice', unique);
  const bob = person('Bob', unique);

  const alicePage = await signUpAndLogIn(browser, baseURL, alice, visit);
  const aliceErrors = watchForErrors(alicePage, 'Alice');
  const aliceId = await userId(alicePage);

  const projectId = await registerProject(alicePage, { name: longName, repoUrl: `https://github.com/e2e-organisation/${longPath}`, homepageUrl: homepage, description: unbroken(homepage) });
  // Same home page as the first entry: the badge lookup by URL becomes ambiguous (409).
  const offeredId = await registerProject(alicePage, { name: `${longName}-offered`, repoUrl: `https://github.com/e2e-organisation/${longPath}-offered`, homepageUrl: homepage, description: unbroken(homepage) });
  const deletedId = await registerProject(alicePage, { name: `${longName}-deleted`, repoUrl: `https://github.com/e2e-organisation/${longPath}-deleted`, homepageUrl: `https://example.org/${longPath}-deleted`, description: unbroken(`https://example.org/${longPath}-deleted`) });

  const bobPage = await signUpAndLogIn(browser, baseURL, bob);
  const bobErrors = watchForErrors(bobPage, 'Bob');
  const bobId = await userId(bobPage);
  await makeAdmin(bobId);

  // Alice adds Bob as a collaborator, offers him a project and deletes another.
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

  const anonymous = await (await browser.newContext({ baseURL })).newPage();
  const anonymousErrors = watchForErrors(anonymous, 'anonymous');

  return {
    alice: alicePage,
    bob: bobPage,
    anonymous,
    people: { alice, bob },
    errors: { alice: aliceErrors, bob: bobErrors, anonymous: anonymousErrors },
    aliceId,
    bobId,
    projectId,
    offeredId,
    deletedId,
    longName,
    longPath,
    homepage,
  };
}

/** Every page type Alice (owner, not an administrator) can reach, with the error pages she meets. */
export function ownerPages(site: Site): Visit[] {
  const project = `/projects/${site.projectId}`;
  return [
    ['/en', 200],
    ['/projects', 200],
    [`/projects?q=${encodeURIComponent(site.longName)}`, 200],
    ...LEVELS.map((level): Visit => [`${project}/${level}`, 200]),
    ...LEVELS.map((level): Visit => [`${project}/${level}/edit`, 200]),
    ['/projects/new', 200],
    ['/account', 200],
    ['/account/projects', 200],
    ['/project_stats', 200],
    ['/criteria_stats', 200],
    ['/obstacles', 200],
    ['/criteria', 200],
    ...LEVELS.map((level): Visit => [`/criteria/${level}`, 200]),
    ['/api', 200],
    ['/export', 200],
    [`${project}/history`, 200],
    [`${project}/collaborators`, 200],
    ['/transfers', 200],
    [`/projects/${site.offeredId}/transfer`, 200],
    [`${project}/delete`, 200],
    // Error pages: missing, forbidden, ambiguous lookup.
    [`/no-such-page/${site.longPath}`, 404],
    ['/admin', 403],
    [`/projects?as=badge&url=${encodeURIComponent(site.homepage)}`, 409],
  ];
}

/** The administration pages and Bob's list of incoming offers. */
export function adminPages(site: Site): Visit[] {
  return [
    ['/admin', 200],
    ['/admin/users', 200],
    [`/admin/users/${site.aliceId}`, 200],
    ['/admin/projects/deleted', 200],
    ['/admin/changes', 200],
    ['/transfers', 200],
  ];
}

export function anonymousPages(site: Site): Visit[] {
  return [
    ['/en', 200],
    ['/login', 200],
    ['/signup', 200],
    ['/password_resets/new', 200],
    ['/account_activations/new', 200],
    [`/projects/${site.projectId}/passing`, 200],
    ['/projects/987654321/passing', 404],
  ];
}
