import { expect, test, type Browser, type Page } from '@playwright/test';
import { loadCriteria, type Level } from '../../src/criteria/index.ts';
import { watchForErrors } from './browser-errors.ts';
import { person, registerProject, signUpAndLogInOn, uniqueSuffix } from './site.ts';

/**
 * The edit form's script (public/js/criteria-form.js): the result of an answer, the section and
 * level progress change as the maintainer answers, leaving with unsaved answers asks first, and
 * the same journey works without JavaScript. For many answers at once, what the script shows
 * before saving is what the server renders after saving.
 */

const set = loadCriteria();
const passing = set.level('passing')!;
const silver = set.level('silver')!;

/** The tests are type-checked without the DOM library; these are the parts of it they touch. */
interface DomNode {
  id: string;
  className: string;
  textContent: string | null;
  value: string;
  checked: boolean;
  querySelector(selector: string): DomNode | null;
  querySelectorAll(selector: string): ArrayLike<DomNode>;
  getAttribute(name: string): string | null;
  hasAttribute(name: string): boolean;
  dispatchEvent(event: unknown): boolean;
}

async function signUpAndRegister(page: Page, label: string): Promise<number> {
  const unique = uniqueSuffix();
  await signUpAndLogInOn(page, person('Live', `${label}-${unique}`));
  return registerProject(page, { name: `live-${label}-${unique}`, repoUrl: `https://github.com/live/${label}-${unique}` });
}

/** The short journey: answer a URL-requiring criterion, first without the URL, then save. */
async function answerAndSave(page: Page, projectId: number, live: boolean): Promise<void> {
  const editPath = `/projects/${projectId}/passing/edit`;
  const fieldset = page.locator('fieldset[id="contribution"]');
  const state = page.locator('#contribution-state .status');
  const basics = page.locator('.section-menu .section-count').first();
  const level = page.locator('.project-header .levels .current .percent-value');
  const total = passing.sections[0]!.groups.flatMap((g) => g.criteria).filter((c) => passing.active.includes(c)).length;

  await expect(state).toHaveText('Not answered');
  await expect(basics).toHaveText(`0/${total}`);
  await expect(level).toHaveText('0%');

  await fieldset.getByRole('radio', { name: 'Met', exact: true }).check();
  await fieldset.getByLabel('Justification', { exact: true }).fill('We take pull requests.');
  if (live) {
    await expect(state).toHaveText('Met — needs a URL');
    await expect(fieldset.locator('.warning')).toHaveText('This answer does not count yet: add a URL to the justification.');
    await expect(page.locator('#contribution-state .symbol')).toHaveText('?');
  } else {
    await expect(state).toHaveText('Not answered');
  }

  await fieldset.getByLabel('Justification', { exact: true }).fill('Pull requests are welcome: https://example.org/contributing');
  if (live) {
    await expect(state).toHaveText('Met');
    await expect(fieldset.locator('.warning')).toHaveCount(0);
    await expect(page.locator('#contribution-state .symbol')).toHaveText('✓');
    await expect(basics).toHaveText(`1/${total}`);
    await expect(page.locator('.section-menu progress').first()).toHaveAttribute('aria-label', `Basics: 1 of ${total} criteria count`);
    await expect(page.locator('#section-basics-heading .count')).toHaveText(`1/${total}`);
    await expect(level).toHaveText(`${Math.round((100 * 1) / passing.active.length)}%`);
  } else {
    await expect(basics).toHaveText(`0/${total}`);
    await expect(level).toHaveText('0%');
  }

  await page.locator('button[name="section"][value="basics"]').click();
  await expect(page).toHaveURL(new RegExp(`${editPath}#section-basics$`));
  await expect(page.locator('#section-basics')).toHaveText('Your answers have been saved.');
  await expect(state).toHaveText('Met');
  await expect(basics).toHaveText(`1/${total}`);
  await expect(level).toHaveText(`${Math.round((100 * 1) / passing.active.length)}%`);
}

test.describe('with JavaScript', () => {
  test('answers update their result and the progress at once, and leaving unsaved answers asks first', async ({ page }) => {
    test.setTimeout(30_000);
    const errors = watchForErrors(page);
    const projectId = await signUpAndRegister(page, 'js');
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.type());
      void dialog.dismiss();
    });

    await test.step('answer and save: the result and progress change before saving', async () => {
      await answerAndSave(page, projectId, true);
      expect(dialogs, 'submitting the form does not ask').toEqual([]);
    });

    const viewLink = page.getByRole('link', { name: 'View the Passing answers without editing' });
    await test.step('an unsaved change asks before leaving; staying keeps the page', async () => {
      await page.locator('fieldset[id="contribution"]').getByRole('radio', { name: 'Unmet', exact: true }).check();
      await expect(page.locator('#contribution-state .status')).toHaveText('Unmet');
      await viewLink.click({ noWaitAfter: true });
      await expect.poll(() => dialogs).toEqual(['beforeunload']);
      await expect(page).toHaveURL(/\/passing\/edit#section-basics$/);
    });

    await test.step('a change undone does not ask', async () => {
      await page.locator('fieldset[id="contribution"]').getByRole('radio', { name: 'Met', exact: true }).check();
      await viewLink.click();
      await expect(page).toHaveURL(new RegExp(`/projects/${projectId}/passing$`));
      expect(dialogs).toEqual(['beforeunload']);
    });

    expect(errors, 'the browser reported errors (CSP violations appear here)').toEqual([]);
  });

  test('screen readers hear a settled change once, through a polite status region, never each keystroke', async ({ page }) => {
    test.setTimeout(30_000);
    const errors = watchForErrors(page);
    const projectId = await signUpAndRegister(page, 'announce');
    await page.goto(`/projects/${projectId}/passing/edit`);
    const region = page.locator('#live-progress');
    await expect(region).toHaveAttribute('role', 'status');
    await expect(region).toHaveAttribute('aria-live', 'polite');
    await expect(region).toHaveText('');
    // Every text the region takes, in order (recorded in the page: the region may change faster
    // than the test polls).
    await region.evaluate((node) => {
      const win = globalThis as unknown as { MutationObserver: new (cb: () => void) => { observe(n: unknown, o: object): void }; announced: string[] };
      const el = node as unknown as DomNode;
      win.announced = [];
      new win.MutationObserver(() => {
        win.announced.push(el.textContent ?? '');
      }).observe(node, { childList: true, characterData: true, subtree: true });
    });
    const announced = (): Promise<string[]> => page.evaluate<string[]>('globalThis.announced');
    const total = passing.sections[0]!.groups.flatMap((g) => g.criteria).filter((c) => passing.active.includes(c)).length;
    const fieldset = page.locator('fieldset[id="contribution"]');

    await fieldset.getByRole('radio', { name: 'Met', exact: true }).check();
    await expect(region).toHaveText(`[contribution] Met — needs a URL. Basics: 0 of ${total} criteria count. Passing: 0%.`);

    // Typed key by key: the result changes once the URL is complete, and that is said once.
    await fieldset.getByLabel('Justification', { exact: true }).pressSequentially('Pull requests are welcome: https://example.org/contributing', { delay: 15 });
    const percent = Math.round(100 / passing.active.length);
    await expect(region).toHaveText(`[contribution] Met. Basics: 1 of ${total} criteria count. Passing: ${percent}%.`);
    // More typing that leaves the result as it was says nothing.
    await fieldset.getByLabel('Justification', { exact: true }).pressSequentially(' (see also the README)', { delay: 15 });
    await page.waitForTimeout(2_000);
    expect(await announced()).toEqual([
      `[contribution] Met — needs a URL. Basics: 0 of ${total} criteria count. Passing: 0%.`,
      `[contribution] Met. Basics: 1 of ${total} criteria count. Passing: ${percent}%.`,
    ]);

    // The bars take the badge's colour for the new percentage, here still the lowest step.
    await expect(page.locator('.section-menu .section-progress').first()).toHaveClass(/\btone-0\b/);
    await expect(page.locator('.project-header .levels .current')).toHaveClass(/\btone-0\b/);
    expect(errors, 'the browser reported errors (CSP violations appear here)').toEqual([]);
  });

  test('what the script shows before saving is what the server renders after saving, for many answers', async ({ page, browser, baseURL }) => {
    test.setTimeout(40_000);
    const errors = watchForErrors(page);
    const projectId = await signUpAndRegister(page, 'agree');
    const server = await serverRendering(browser, baseURL!, page);

    // Each round gives every criterion another answer, so categories and flags meet every status
    // and every kind of justification, including ones the server trims or counts differently.
    const rounds: [Level, number][] = [[passing, 0], [passing, 1], [passing, 2], [silver, 3]];
    for (const [level, round] of rounds) {
      await test.step(`${level.key}, round ${round + 1}`, async () => {
        const editPath = `/projects/${projectId}/${level.key}/edit`;
        await page.goto(editPath);
        await answerMany(page, round);
        const live = await pageState(page);
        await page.locator('button[name="section"]').first().click();
        await expect(page.locator('.section-flash')).toHaveText('Your answers have been saved.');
        await server.goto(editPath);
        expect(await pageState(server)).toEqual(live);

        // Filtered to the open criteria, the script counts the hidden ones as the server does.
        await page.goto(`${editPath}?show=open`);
        await server.goto(`${editPath}?show=open`);
        expect(await pageState(page)).toEqual(await pageState(server));
      });
    }
    await server.close();
    expect(errors, 'the browser reported errors (CSP violations appear here)').toEqual([]);
  });
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the same answers are saved and shown with their result', async ({ page }) => {
    test.setTimeout(30_000);
    const projectId = await signUpAndRegister(page, 'nojs');
    await answerAndSave(page, projectId, false);
  });
});

/** A second page of the same session with JavaScript off: what the server alone renders. */
async function serverRendering(browser: Browser, baseURL: string, page: Page): Promise<Page> {
  const context = await browser.newContext({ baseURL, javaScriptEnabled: false, storageState: await page.context().storageState() });
  return context.newPage();
}

const STATUSES = ['Met', 'Unmet', 'N/A', '?'];
const JUSTIFICATIONS = [
  '',
  'abcd',
  'abcde',
  '   abcd   ',
  'ab\nc',
  'ab😀c',
  'ab😀cd',
  '// a note https://example.org/x',
  'See https://example.org/docs',
  'https://localhost/x',
  'Explained at length, without any link.',
];

/** Sets answers the way the radios and textareas do (with their events), quickly. */
async function answerMany(page: Page, round: number): Promise<void> {
  await page.locator('form.criteria-form').evaluate(
    (form, { round, statuses, justifications }) => {
      const win = globalThis as unknown as { Event: new (type: string, init: { bubbles: boolean }) => unknown };
      const fieldsets = Array.from((form as unknown as DomNode).querySelectorAll('fieldset.criterion'));
      fieldsets.forEach((fieldset, i) => {
        const radios = Array.from(fieldset.querySelectorAll('input[type="radio"]'));
        if (radios.length === 0) return;
        const wanted = statuses[(i + round) % statuses.length]!;
        const radio = radios.find((r) => r.value === wanted) ?? radios.find((r) => r.value === '?')!;
        radio.checked = true;
        radio.dispatchEvent(new win.Event('change', { bubbles: true }));
        const textarea = fieldset.querySelector('textarea')!;
        textarea.value = justifications[(i * 7 + round * 3) % justifications.length]!;
        textarea.dispatchEvent(new win.Event('input', { bubbles: true }));
      });
    },
    { round, statuses: STATUSES, justifications: JUSTIFICATIONS },
  );
}

/** Everything the script keeps up to date, as text and classes, in document order. */
async function pageState(page: Page): Promise<unknown> {
  const criteria = await page.locator('fieldset.criterion').evaluateAll((nodes) =>
    (nodes as unknown as DomNode[]).map((f) => {
      const state = f.querySelector('.answer-state');
      return [f.id, f.className, state?.className, state?.textContent, f.querySelector(':scope > .warning')?.textContent ?? null];
    }),
  );
  const sections = await page.locator('.section-menu .section-progress').evaluateAll((nodes) =>
    (nodes as unknown as DomNode[]).map((s) => {
      const bar = s.querySelector('progress');
      // Sorted: the script replaces a class at the end, the server writes them in its own order.
      return [s.className.split(' ').sort().join(' '), s.textContent, bar?.getAttribute('aria-label'), bar?.value];
    }),
  );
  const headings = await page.locator('.form-section h2').allTextContents();
  // The tab's classes carry the bar's colour (tone-*), which the script changes with the percentage.
  const level = await page.locator('.project-header .levels .current').evaluate((li) => {
    const node = li as unknown as DomNode;
    return [node.className.split(' ').sort().join(' '), node.querySelector('.percent')?.textContent, node.querySelector('progress')?.value];
  });
  return { criteria, sections, headings, level };
}
