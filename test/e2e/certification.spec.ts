import { expect, test, type Page } from '@playwright/test';
import { loadCriteria, type Criterion } from '../../src/criteria/index.ts';
import { watchForErrors } from './browser-errors.ts';
import { linkFrom, waitForMail } from './mailbox.ts';
import { uniqueSuffix } from './site.ts';

/**
 * The journey a maintainer takes to earn the passing badge: sign up, register a project,
 * answer every passing criterion, save, and see the badge everywhere it is published.
 */

const passing = loadCriteria().level('passing');
if (!passing) throw new Error('criteria/passing.yml did not load a "passing" level');

const MET_JUSTIFICATION = (id: string) => `Evidence at https://example.org/${id}`;
const SHOULD_UNMET_JUSTIFICATION = 'Not done yet, planned for the next release.';

async function answer(page: Page, criterion: Criterion): Promise<void> {
  const fieldset = page.locator(`fieldset[id="${criterion.id}"]`);
  const justification = fieldset.getByLabel('Justification', { exact: true });
  switch (criterion.category) {
    case 'MUST':
      await fieldset.getByRole('radio', { name: 'Met', exact: true }).check();
      await justification.fill(MET_JUSTIFICATION(criterion.id));
      break;
    case 'SHOULD':
      await fieldset.getByRole('radio', { name: 'Unmet', exact: true }).check();
      await justification.fill(SHOULD_UNMET_JUSTIFICATION);
      break;
    case 'SUGGESTED':
      await fieldset.getByRole('radio', { name: 'Unmet', exact: true }).check();
      break;
  }
}

test('a maintainer earns the passing badge', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = watchForErrors(page);
  const unique = uniqueSuffix();
  const userName = `E2E Maintainer ${unique}`;

  const email = `e2e-${unique}@example.org`;
  const password = 'a long passphrase nobody guesses';

  await test.step('sign up', async () => {
    await page.goto('/signup');
    await expect(page.getByRole('heading', { level: 1, name: 'Create an account' })).toBeVisible();
    await page.getByLabel(/^Name/).fill(userName);
    await page.getByLabel(/^Email address/).fill(email);
    await page.getByLabel(/^Password/).fill(password);
    await page.getByLabel(/^Confirm password/).fill(password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Check your email' })).toBeVisible();
  });

  await test.step('activate the account from the mail and log in', async () => {
    const mail = await waitForMail(email, /^Activate your /);
    await page.goto(linkFrom(mail, '/account_activations/'));
    await page.getByRole('button', { name: 'Activate my account' }).click();
    await expect(page).toHaveURL(/\/login$/);
    await page.getByLabel(/^Email address/).fill(email);
    await page.getByLabel(/^Password/).fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByText(`Signed in as ${userName}`)).toBeVisible();
    await page.getByRole('link', { name: 'Get your badge', exact: true }).click();
    await expect(page).toHaveURL(/\/projects\/new$/);
  });

  const projectId = await test.step('register a project', async () => {
    await page.getByLabel('Source repository URL').fill(`https://github.com/e2e/${unique}`);
    await page.getByLabel('Project home page URL').fill(`https://example.org/${unique}`);
    await page.getByLabel('Name', { exact: true }).fill(`e2e-${unique}`);
    await page.getByLabel('Description', { exact: true }).fill('A project registered by the end-to-end test.');
    await page.getByRole('button', { name: 'Register project' }).click();
    await expect(page).toHaveURL(/\/projects\/\d+\/passing\/edit$/);
    await expect(page.getByRole('status').filter({ hasText: 'Your project is registered' })).toBeVisible();
    const match = /\/projects\/(\d+)\/passing\/edit$/.exec(page.url());
    return match![1]!;
  });

  await test.step(`answer all ${passing.criteria.length} passing criteria`, async () => {
    // A prerequisite is set by the scoring engine and has no radios; passing has none today.
    for (const criterion of passing.criteria.filter((c) => !c.prerequisite)) {
      await answer(page, criterion);
    }
  });

  await test.step('save and exit', async () => {
    // The form posts to the page's own language prefix (/en/projects/…), which links keep.
    const editPath = new RegExp(`^(/[A-Za-z-]+)?/projects/${projectId}/passing/edit$`);
    const saved = page.waitForResponse(
      (response) => response.request().method() === 'POST' && editPath.test(new URL(response.url()).pathname),
    );
    await page.getByRole('button', { name: 'Save and exit' }).first().click();
    const response = await saved;
    if (response.status() !== 303) {
      await page.waitForLoadState();
      const messages = await page.locator('.error-message, .flash').allInnerTexts();
      throw new Error(`saving was rejected with ${response.status()}:\n${messages.join('\n')}`);
    }
    await expect(page).toHaveURL(new RegExp(`/projects/${projectId}/passing$`));
    const success = page.getByRole('status').filter({ hasText: 'passing' });
    await expect(success).toBeVisible();
    await expect(success).toHaveClass(/flash-success/);
  });

  await test.step('the badge on the page says passing', async () => {
    const badge = page.getByRole('img', { name: 'Badge level: passing', exact: true });
    await expect(badge).toHaveAttribute('src', `/projects/${projectId}/badge`);
    // The browser itself displayed it (no CSP or network block).
    await expect.poll(() => badge.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
    const src = await badge.getAttribute('src');
    expect(src).not.toBeNull();
    const response = await page.request.get(src!);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toMatch(/^image\/svg\+xml\b/);
    const svg = await response.text();
    expect(svg).toContain('<svg');
    expect(svg).toContain('passing');
  });

  await test.step('the JSON says passing', async () => {
    const response = await page.request.get(`/projects/${projectId}.json`);
    expect(response.status()).toBe(200);
    const json = (await response.json()) as { badge_level?: unknown; tiered_percentage?: unknown };
    expect(json.badge_level).toBe('passing');
    expect(typeof json.tiered_percentage).toBe('number');
    expect(json.tiered_percentage as number).toBeGreaterThanOrEqual(100);
  });

  expect(errors, 'the browser reported errors (CSP violations appear here)').toEqual([]);
});
