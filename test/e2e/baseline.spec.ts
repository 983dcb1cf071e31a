import fs from 'node:fs';
import { createRequire } from 'node:module';
import { expect, test, type Page } from '@playwright/test';
import { loadCriteria } from '../../src/criteria/index.ts';
import { watchForErrors } from './browser-errors.ts';
import { person, registerProject, signUpAndLogInOn, uniqueSuffix } from './site.ts';

/**
 * The OSPS Baseline journey with the crosswalk: a maintainer who has answered part of passing
 * copies what carries over to baseline-1, answers the rest, and sees the baseline-1 badge on the
 * project page and at /projects/:id/baseline.
 */

const criteria = loadCriteria();
const baseline1 = criteria.level('baseline-1');
if (!baseline1) throw new Error('criteria/baseline-1.yml did not load a "baseline-1" level');

/** Passing answers whose baseline-1 counterparts the crosswalk fills (sites_https → OSPS-BR-03.01 …). */
const PASSING = {
  sites_https: 'All project sites are served over HTTPS only.',
  documentation_basics: 'The README explains installation and use: https://example.org/docs',
  report_process: 'Reports go through https://example.org/security',
} as const;

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe's WCAG 2.1 A/AA violations on the page, one line each (evaluated outside the page's CSP). */
async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate<boolean>('typeof window.axe === "object"'))) await page.evaluate(AXE_SOURCE);
  return page.evaluate<string[]>(
    `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] })
      .then((r) => r.violations.map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(' | ')))`,
  );
}

async function saveAndExit(page: Page, path: string): Promise<void> {
  const saved = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === path);
  await page.getByRole('button', { name: 'Save and exit' }).first().click();
  const response = await saved;
  if (response.status() !== 303) {
    await page.waitForLoadState();
    const messages = await page.locator('.error-message, .flash').allInnerTexts();
    throw new Error(`saving was rejected with ${response.status()}:\n${messages.join('\n')}`);
  }
}

test('a maintainer completes baseline-1 with the crosswalk and gets the baseline-1 badge', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = watchForErrors(page);
  const unique = uniqueSuffix();
  await signUpAndLogInOn(page, person('Baseline', unique));
  const id = await registerProject(page, { name: `baseline-${unique}`, repoUrl: `https://github.com/e2e/baseline-${unique}`, homepageUrl: `https://example.org/${unique}` });

  await test.step('answer part of passing', async () => {
    for (const [criterion, justification] of Object.entries(PASSING)) {
      const fieldset = page.locator(`fieldset[id="${criterion}"]`);
      await fieldset.getByRole('radio', { name: 'Met', exact: true }).check();
      await fieldset.getByLabel('Justification', { exact: true }).fill(justification);
    }
    await saveAndExit(page, `/projects/${id}/passing/edit`);
    await expect(page).toHaveURL(new RegExp(`/projects/${id}/passing$`));
  });

  await test.step('the baseline-1 form shows the mapped passing answers', async () => {
    await page.goto(`/projects/${id}/baseline-1/edit`);
    const fieldset = page.locator('fieldset[id="osps_br_03_01"]');
    await fieldset.locator('summary').filter({ hasText: 'Mapped metal criteria' }).click();
    const link = fieldset.getByRole('link', { name: 'sites_https', exact: true });
    await expect(link).toHaveAttribute('href', `/projects/${id}/passing/edit#sites_https`);
    await expect(fieldset.locator('.crosswalk-status').first()).toHaveText('Met');
    // The open crosswalk and the copy form pass axe.
    expect(await axeViolations(page)).toEqual([]);
  });

  await test.step('copy answers from the mapped criteria', async () => {
    await page.getByRole('button', { name: 'Copy answers from the mapped criteria' }).click();
    await expect(page.getByRole('heading', { name: 'Answers copied from the mapped criteria' })).toBeVisible();
    const copied = page.locator('ul.crosswalk-copied');
    await expect(copied).toContainText('OSPS-BR-03.01');
    await expect(copied).toContainText(`${PASSING.sites_https} [sites_https]`);
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole('link', { name: /^Back to the .* form$/ }).click();
    await expect(page).toHaveURL(new RegExp(`/projects/${id}/baseline-1/edit$`));
    const fieldset = page.locator('fieldset[id="osps_br_03_01"]');
    await expect(fieldset.getByRole('radio', { name: 'Met', exact: true })).toBeChecked();
    await expect(fieldset.getByLabel('Justification', { exact: true })).toHaveValue(`${PASSING.sites_https} [sites_https]`);
  });

  await test.step('answer the rest of baseline-1 and save', async () => {
    for (const criterion of baseline1.criteria.filter((c) => !c.prerequisite)) {
      const fieldset = page.locator(`fieldset[id="${criterion.id}"]`);
      const met = fieldset.getByRole('radio', { name: 'Met', exact: true });
      if (await met.isChecked()) continue;
      await met.check();
      await fieldset.getByLabel('Justification', { exact: true }).fill(`Evidence at https://example.org/${criterion.id}`);
    }
    await saveAndExit(page, `/projects/${id}/baseline-1/edit`);
    await expect(page).toHaveURL(new RegExp(`/projects/${id}/baseline-1$`));
    const success = page.getByRole('status').filter({ hasText: 'Baseline Level 1' });
    await expect(success).toHaveClass(/flash-success/);
  });

  await test.step('the baseline-1 badge on the page and at /projects/:id/baseline', async () => {
    const badge = page.locator('p.project-badge img');
    await expect(badge).toHaveAttribute('src', `/projects/${id}/baseline`);
    await expect(badge).toHaveAttribute('alt', /Baseline Level 1/);
    await page.locator('li[id="osps_br_03_01"] details.crosswalk summary').click();
    await expect(page.locator('li[id="osps_br_03_01"]').getByRole('link', { name: 'sites_https', exact: true })).toHaveAttribute('href', `/projects/${id}/passing#sites_https`);
    expect(await axeViolations(page)).toEqual([]);
    await expect.poll(() => badge.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
    const svg = await page.request.get(`/projects/${id}/baseline`);
    expect(svg.status()).toBe(200);
    expect(svg.headers()['content-type']).toMatch(/^image\/svg\+xml\b/);
    const image = await svg.text();
    expect(image).toContain('<svg');
    expect(image).toContain('openssf baseline');
    expect(image).toMatch(/aria-label="openssf baseline [^"]*: 1"/);
    const json = await page.request.get(`/projects/${id}/baseline.json`);
    expect(await json.json()).toMatchObject({ badge_level: 'baseline-1' });
  });

  expect(errors, 'the browser reported errors (CSP violations appear here)').toEqual([]);
});
