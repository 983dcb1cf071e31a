import { expect, test, type Page } from '@playwright/test';
import { loadCriteria } from '../../src/criteria/index.ts';
import { watchForErrors } from './browser-errors.ts';
import { person, registerProject, signUpAndLogInOn, uniqueSuffix } from './site.ts';

/**
 * The badge snippets of a project page, for the metal and the baseline badge: with JavaScript a
 * copy button puts the snippet on the clipboard and says so in a live region; without JavaScript
 * the snippets are still there as selectable text. A maintainer registers a project first (the database starts empty).
 */

const baselineOne = loadCriteria().level('baseline-1')!;

const FORMATS = [
  { key: 'markdown', name: 'Markdown' },
  { key: 'html', name: 'HTML' },
  { key: 'rst', name: 'reStructuredText' },
  { key: 'asciidoc', name: 'AsciiDoc' },
] as const;

/** The tests are type-checked without the DOM library; this is the one browser API they call. */
interface ClipboardWindow {
  navigator: { clipboard: { readText(): Promise<string> } };
}

function readClipboard(page: Page): Promise<string> {
  return page.evaluate(() => (globalThis as unknown as ClipboardWindow).navigator.clipboard.readText());
}

async function signUpAndRegister(page: Page, unique: string): Promise<number> {
  await signUpAndLogInOn(page, person('Snippets', unique));
  return registerProject(page, { name: `snippets-${unique}`, repoUrl: `https://github.com/e2e/snippets-${unique}` });
}

test('copy buttons put a badge snippet on the clipboard; without JavaScript the snippets remain', async ({ browser, baseURL }) => {
  test.setTimeout(60_000);
  const unique = uniqueSuffix();
  const context = await browser.newContext({ baseURL });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL! });
  const page = await context.newPage();
  const errors = watchForErrors(page);

  const projectId = await test.step('a maintainer registers a project', () => signUpAndRegister(page, unique));
  const showPath = `/projects/${projectId}`;

  await test.step('each format has a copy button; clicking one copies and announces it', async () => {
    await page.goto(showPath);
    const section = page.locator('section.badge-snippets');
    await expect(section.getByRole('heading', { level: 2 })).toBeVisible();
    for (const { name } of FORMATS) await expect(section.getByRole('button', { name: `Copy ${name}`, exact: true })).toBeVisible();
    const expected = await page.locator('#badge-snippet-markdown').textContent();
    expect(expected).toContain(`/projects/${projectId}/badge`);

    await section.getByRole('button', { name: 'Copy Markdown', exact: true }).click();
    await expect(section.getByRole('status')).toHaveText('Markdown snippet copied to the clipboard.');
    expect(await readClipboard(page)).toBe(expected);

    await section.getByRole('button', { name: 'Copy reStructuredText', exact: true }).click();
    await expect(section.getByRole('status')).toHaveText('reStructuredText snippet copied to the clipboard.');
    const rst = await readClipboard(page);
    expect(rst).toBe(await page.locator('#badge-snippet-rst').textContent());
    expect(rst.split('\n')).toHaveLength(3);
  });

  await test.step('the baseline badge has its own four snippets and buttons, and its image answers', async () => {
    const baseline = page.locator('section.badge-snippets section[data-series="baseline"]');
    await expect(baseline.getByRole('heading', { level: 3 })).toBeVisible();
    // The current baseline badge is shown beside its snippets: a new project's "🚧 0%" image, 240 px wide.
    const preview = baseline.getByRole('img', { name: 'OpenSSF Baseline badge: in progress, Baseline Level 1 at 0%' });
    await expect(preview).toBeVisible();
    await expect.poll(() => preview.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(240);
    for (const { key, name } of FORMATS) {
      await expect(baseline.getByRole('heading', { level: 4, name, exact: true })).toBeVisible();
      await expect(page.locator(`#badge-snippet-baseline-${key}`)).toContainText(`/projects/${projectId}/baseline`);
      await expect(baseline.getByRole('button', { name: `Copy Baseline ${name}`, exact: true })).toBeVisible();
    }
    const section = page.locator('section.badge-snippets');
    await baseline.getByRole('button', { name: 'Copy Baseline Markdown', exact: true }).click();
    await expect(section.getByRole('status')).toHaveText('Baseline Markdown snippet copied to the clipboard.');
    const copied = await readClipboard(page);
    expect(copied).toBe(await page.locator('#badge-snippet-baseline-markdown').textContent());
    expect(copied).toMatch(new RegExp(`^\\[!\\[OpenSSF Baseline\\]\\(\\S+/projects/${projectId}/baseline\\)\\]\\(\\S+/projects/${projectId}\\)$`));

    // The address in the snippet serves the baseline badge: a new project is at 0 %.
    const image = await page.request.get(`/projects/${projectId}/baseline`);
    expect(image.status()).toBe(200);
    expect(image.headers()['content-type']).toBe('image/svg+xml; charset=utf-8');
    expect(await image.text()).toContain('<title>openssf baseline v2026.02.19: in progress 0%</title>');
    const json = (await (await page.request.get(`/projects/${projectId}/baseline.json`)).json()) as { badge_level: string };
    expect(json.badge_level).toBe('baseline-pct-0');
  });

  await test.step('once every baseline-1 control is met, the page and /projects/:id/baseline show level 1', async () => {
    await page.goto(`/projects/${projectId}/baseline-1/edit`);
    for (const control of baselineOne.criteria) {
      await page.locator(`fieldset[id="${control.id}"]`).getByRole('radio', { name: 'Met', exact: true }).check();
    }
    await page.getByRole('button', { name: 'Save and exit' }).first().click();
    await expect(page).toHaveURL(new RegExp(`/projects/${projectId}/baseline-1$`));
    const preview = page.getByRole('img', { name: 'OpenSSF Baseline badge: Baseline Level 1', exact: true });
    await expect(preview).toBeVisible();
    // The level image is 213 px wide (spec §5.1), and the browser displayed it.
    await expect.poll(() => preview.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(213);
    const image = await page.request.get(`/projects/${projectId}/baseline`);
    expect(await image.text()).toContain('<title>openssf baseline v2026.02.19: 1</title>');
    const json = (await (await page.request.get(`/projects/${projectId}/baseline.json`)).json()) as { badge_level: string; badge_percentage: number };
    expect(json).toMatchObject({ badge_level: 'baseline-1', badge_percentage: 100 });
  });
  expect(errors).toEqual([]);
  await context.close();

  await test.step('with JavaScript off the snippets of both badges are plain text and there is no button', async () => {
    const noScript = await browser.newContext({ baseURL, javaScriptEnabled: false });
    const plain = await noScript.newPage();
    await plain.goto(showPath);
    const section = plain.locator('section.badge-snippets');
    for (const { key, name } of FORMATS) {
      await expect(section.getByRole('heading', { level: 4, name, exact: true })).toHaveCount(2);
      await expect(plain.locator(`#badge-snippet-${key}`)).toContainText(`/projects/${projectId}/badge`);
      await expect(plain.locator(`#badge-snippet-baseline-${key}`)).toContainText(`/projects/${projectId}/baseline`);
    }
    await expect(section.getByRole('button')).toHaveCount(0);
    await noScript.close();
  });
});
