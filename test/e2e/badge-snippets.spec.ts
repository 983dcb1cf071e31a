import { expect, test, type Page } from '@playwright/test';
import { watchForErrors } from './browser-errors.ts';
import { person, registerProject, signUpAndLogInOn, uniqueSuffix } from './site.ts';

/**
 * The badge snippets of a project page: with JavaScript a copy button puts the snippet on the
 * clipboard and says so in a live region; without JavaScript the snippets are still there as
 * selectable text. A maintainer registers a project first (the database starts empty).
 */

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
  expect(errors).toEqual([]);
  await context.close();

  await test.step('with JavaScript off the four snippets are plain text and there is no button', async () => {
    const noScript = await browser.newContext({ baseURL, javaScriptEnabled: false });
    const plain = await noScript.newPage();
    await plain.goto(showPath);
    const section = plain.locator('section.badge-snippets');
    for (const { key, name } of FORMATS) {
      await expect(section.getByRole('heading', { level: 3, name, exact: true })).toBeVisible();
      await expect(plain.locator(`#badge-snippet-${key}`)).toContainText(`/projects/${projectId}/badge`);
    }
    await expect(section.getByRole('button')).toHaveCount(0);
    await noScript.close();
  });
});
