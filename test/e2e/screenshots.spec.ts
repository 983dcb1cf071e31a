import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { registerProject, signUpAndLogInOn, uniqueSuffix } from './site.ts';

/**
 * The README's screenshots (docs/screenshots/*.png): the project form, a project's page, the
 * project list and the statistics, each at a desktop and a phone width, with data entered through
 * the pages as a maintainer would. Every run takes the pictures, which checks that the pages
 * render at both widths; only `SCREENSHOTS=1` writes them to docs/screenshots, so an ordinary
 * test run leaves the working tree clean. Nothing is asserted about the pixels.
 */

const OUT = path.join(import.meta.dirname, '..', '..', 'docs', 'screenshots');
const WRITE = process.env.SCREENSHOTS === '1';
const WIDTHS = [1280, 390] as const;
const HEIGHT = 800;

const OWNER = 'https://github.com/ocelot-http';
/** The first has every passing criterion answered (and so the badge), the second is halfway. */
const PROJECTS = [
  { name: 'ocelot-http', description: 'A small, dependency-free HTTP/1.1 and HTTP/2 server library for embedded Linux devices.', answered: Number.POSITIVE_INFINITY, unmet: false },
  { name: 'ocelot-tls', description: 'TLS 1.3 bindings for ocelot-http, built on the platform crypto library.', answered: 36, unmet: true },
  { name: 'ocelot-cli', description: 'Command-line tools to configure, benchmark and inspect ocelot servers.', answered: 0, unmet: false },
] as const;

async function register(page: Page, project: (typeof PROJECTS)[number]): Promise<number> {
  return registerProject(page, { name: project.name, repoUrl: `${OWNER}/${project.name}`, homepageUrl: `https://${project.name}.example.org/`, description: project.description });
}

/** Answers the first `answered` criteria: mostly Met with a URL, some N/A, some Unmet if asked. */
async function answer(page: Page, project: (typeof PROJECTS)[number]): Promise<void> {
  const count = project.answered;
  if (count === 0) return;
  const criteria = page.locator('fieldset.criterion:has(.statuses)');
  const total = Math.min(count, await criteria.count());
  for (let i = 0; i < total; i++) {
    const criterion = criteria.nth(i);
    const id = (await criterion.getAttribute('id'))!;
    const notApplicable = criterion.getByRole('radio', { name: 'N/A', exact: true });
    if (i % 9 === 4 && (await notApplicable.count()) > 0) {
      await notApplicable.check();
      await criterion.getByRole('textbox').fill('The project has no such component.');
    } else if (project.unmet && i % 11 === 7) {
      await criterion.getByRole('radio', { name: 'Unmet', exact: true }).check();
      await criterion.getByRole('textbox').fill('Planned for the next release; tracked in the issue tracker.');
    } else {
      await criterion.getByRole('radio', { name: 'Met', exact: true }).check();
      await criterion.getByRole('textbox').fill(`See ${OWNER}/${project.name}/blob/main/docs/${id.replaceAll('_', '-')}.md`);
    }
  }
  await page.getByRole('button', { name: 'Save and continue' }).first().click();
  await expect(page.locator('.flash[role=status]').first()).toBeVisible();
}

/** Full pages are cut at this height: the long criteria pages would otherwise weigh megabytes. */
const MAX_HEIGHT = 2400;

async function shoot(page: Page, name: string, open: () => Promise<unknown>, fullPage: boolean): Promise<void> {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: HEIGHT });
    await open();
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    const height = fullPage ? Math.min(MAX_HEIGHT, await page.evaluate<number>('document.documentElement.scrollHeight')) : HEIGHT;
    const picture = await page.screenshot({ ...(WRITE ? { path: path.join(OUT, `${name}-${width}.png`) } : {}), type: 'png', fullPage, clip: { x: 0, y: 0, width, height }, animations: 'disabled', caret: 'hide' });
    expect(picture.length, `${name} at ${width} px`).toBeGreaterThan(1000);
  }
}

test(WRITE ? 'writes the README screenshots' : 'the README screenshots\' pages render at both widths (SCREENSHOTS=1 writes them)', async ({ browser, baseURL }) => {
  test.setTimeout(90_000);
  const unique = uniqueSuffix();
  if (WRITE) fs.mkdirSync(OUT, { recursive: true });
  const page = await (await browser.newContext({ baseURL, deviceScaleFactor: 1 })).newPage();
  await signUpAndLogInOn(page, { name: 'Dana Maintainer', email: `maintainer-${unique}@example.org`, password: 'a long passphrase nobody guesses' });

  const ids: number[] = [];
  for (const project of PROJECTS) {
    const id = await register(page, project);
    await answer(page, project);
    ids.push(id);
  }
  const main = ids[0]!;

  // With the project's own fields folded, the first screen shows the levels, the section menu
  // and the first criteria.
  await shoot(page, 'project-form', async () => {
    await page.goto(`/projects/${main}/passing/edit`);
    await page.locator('details.project-info > summary').click();
    // Clicking scrolls the summary into view on a phone; the picture starts at the top.
    await page.evaluate('window.scrollTo(0, 0)');
  }, false);
  await shoot(page, 'project-show', () => page.goto(`/projects/${main}/passing`), true);
  // Searched, so that projects other specs create in the same run stay out of the picture.
  await shoot(page, 'project-list', () => page.goto('/projects?q=ocelot'), true);
  await shoot(page, 'statistics', () => page.goto('/project_stats'), true);
});
