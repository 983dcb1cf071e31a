import fs from 'node:fs';
import { createRequire } from 'node:module';
import { expect, test, type Page } from '@playwright/test';
import { watchForErrors } from './browser-errors.ts';
import { AUTOMATION_APP_URL, FAKE_FORGE_URL } from './forge-ports.ts';
import { person, registerProject, signUpAndLogIn, uniqueSuffix } from './site.ts';

/**
 * Automation from the maintainer's side: a project whose repository is on a fake forge (GitHub and
 * GitLab shapes, test/e2e/fake-forge-server.ts), served by the app started with automation on
 * (port 3101). Opening the passing form queues a run; once it has finished, the form shows the
 * answers it could read prefilled and highlighted with their reasons. A changed answer is saved
 * as the person chose, and the proposal is kept aside, not applied again.
 */

test.use({ baseURL: AUTOMATION_APP_URL });

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe's WCAG 2.1 A/AA violations on the page, one line each (evaluated outside the page's CSP). */
async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate<boolean>('typeof window.axe === "object"'))) await page.evaluate(AXE_SOURCE);
  return page.evaluate<string[]>(
    `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] })
      .then((r) => r.violations.map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(' | ')))`,
  );
}

/** Reloads the edit form until the run's proposals are shown (the drainer polls every 200 ms). */
async function waitForProposals(page: Page): Promise<void> {
  const panel = page.locator('#automation');
  await expect(async () => {
    await page.reload();
    await expect(panel.getByText(/^Proposals from the check of/)).toBeVisible({ timeout: 500 });
  }).toPass({ timeout: 30_000 });
}

for (const [shape, repoPath] of [
  ['GitHub', 'acme/widget'],
  ['GitLab', 'gitlab/group/widget'],
] as const) {
  test(`the passing form proposes answers read from a ${shape}-shaped forge, and keeps a changed answer`, async ({ browser }) => {
    const unique = uniqueSuffix();
    const page = await signUpAndLogIn(browser, AUTOMATION_APP_URL, person('Robin', unique));
    const errors = watchForErrors(page);
    const repoUrl = `${FAKE_FORGE_URL}/${repoPath}-${unique}`;
    const id = await registerProject(page, { name: `Widget ${unique}`, repoUrl });

    // The form opens at once (the run is queued, not awaited) and says so.
    await expect(page.locator('#automation')).toContainText(/waiting to run|being checked|Proposals from the check/);
    await waitForProposals(page);

    // Blank answers are prefilled and highlighted with the reason and the evidence.
    const contribution = page.locator('fieldset#contribution');
    await expect(contribution).toHaveClass(/highlight-automated/);
    await expect(contribution.getByRole('radio', { name: 'Met', exact: true })).toBeChecked();
    await expect(contribution.locator('.automation-mark')).toContainText('Proposed answer');
    await expect(contribution.getByRole('link', { name: 'Evidence' })).toHaveAttribute('href', /CONTRIBUTING\.md$/);
    await expect(page.locator('fieldset#build')).toHaveClass(/highlight-automated/);
    await expect(page.getByLabel('License (SPDX expression)', { exact: true })).toHaveValue('MIT');
    await expect(page.locator('#automation')).toContainText(/blank answers filled in/);
    expect(await axeViolations(page)).toEqual([]);

    // Nothing is stored until the form is saved: the project page still shows no answer.
    const show = await page.context().newPage();
    await show.goto(`/projects/${id}/passing`);
    await expect(show.locator('#contribution')).toContainText('Result: Not answered');
    await show.close();

    // The maintainer disagrees with one proposal and saves the section.
    await contribution.getByRole('radio', { name: 'Unmet', exact: true }).check();
    await contribution.getByLabel('Justification').fill('We do not take outside contributions until the first release.');
    const section = page.locator('section.form-section', { has: contribution });
    await section.getByRole('button', { name: 'Save and continue' }).click();
    await expect(page).toHaveURL(new RegExp(`/projects/${id}/passing/edit`));

    // Their answer stands; the proposal is shown aside, not applied, and can be taken with one link.
    await expect(contribution.getByRole('radio', { name: 'Unmet', exact: true })).toBeChecked();
    await expect(contribution).toHaveClass(/highlight-divergent/);
    await contribution.locator('.automation-mark summary').click();
    await expect(contribution.locator('.automation-mark')).toContainText('Proposed: Met');
    await expect(contribution.getByRole('link', { name: 'Use this proposal' })).toHaveAttribute('href', /contribution_status=Met/);
    // Accepted proposals were saved with the section and are no longer highlighted.
    await expect(page.locator('fieldset#build')).not.toHaveClass(/highlight-/);
    await expect(page.locator('fieldset#build').getByRole('radio', { name: 'Met', exact: true })).toBeChecked();
    expect(await axeViolations(page)).toEqual([]);

    // "Check my repository again" queues another run without leaving the form.
    await page.getByRole('button', { name: 'Check my repository again' }).click();
    await expect(page).toHaveURL(new RegExp(`/projects/${id}/passing/edit#automation$`));
    await expect(page.getByText(/check the repository again in a moment|already waiting/)).toBeVisible();
    expect(errors).toEqual([]);
  });
}
