import { expect, test, type Page } from '@playwright/test';
import { watchForErrors } from './browser-errors.ts';
import { person, registerProject, signUpAndLogInOn, uniqueSuffix } from './site.ts';

/**
 * A maintainer who uses only the keyboard answers one criterion and saves with "Save and
 * continue": the page comes back at the same section, the confirmation there and focused.
 */

async function signUpAndRegister(page: Page, unique: string): Promise<number> {
  await signUpAndLogInOn(page, person('Keyboard', unique));
  return registerProject(page, { name: `keyboard-${unique}`, repoUrl: `https://github.com/keyboard/${unique}` });
}

interface Focused {
  tag: string;
  type: string | null;
  name: string | null;
  value: string | null;
  href: string | null;
}

async function focused(page: Page): Promise<Focused> {
  const el = page.locator(':focus');
  // No DOM types in the test build: the element is read through Playwright only.
  const tag = await el.evaluate((e) => (e as unknown as { tagName: string }).tagName.toLowerCase());
  const [type, name, value, href] = await Promise.all(['type', 'name', 'value', 'href'].map((a) => el.getAttribute(a)));
  return { tag, type: type ?? null, name: name ?? null, value: value ?? null, href: href ?? null };
}

/** Presses Tab until `matches` holds for the focused element; fails after `limit` presses. */
async function tabTo(page: Page, what: string, matches: (f: Focused) => boolean, limit = 80): Promise<Focused> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (matches(f)) return f;
  }
  throw new Error(`${what} was not reached with ${limit} presses of Tab`);
}

test('answering with the keyboard and "Save and continue" returns to the same section', async ({ page }) => {
  test.setTimeout(60_000);
  const errors = watchForErrors(page);
  const unique = uniqueSuffix();
  const projectId = await signUpAndRegister(page, unique);
  const editPath = `/projects/${projectId}/passing/edit`;
  await page.goto(editPath);

  await test.step('follow the section menu to "Reporting"', async () => {
    await tabTo(page, 'the Reporting link', (f) => f.href === '#section-reporting');
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(new RegExp(`${editPath}#section-reporting$`));
  });

  const criterionId = await test.step('answer the first criterion of the section', async () => {
    // Tab continues from the section the link pointed at.
    // A radio group is one tab stop, at its checked button ("?" while unanswered); the arrow
    // keys move to and check the others.
    const radio = await tabTo(page, 'an answer', (f) => f.tag === 'input' && f.type === 'radio');
    const id = radio.name!.replace(/_status$/, '');
    await expect(page.locator('section[aria-labelledby="section-reporting-heading"]').locator(`fieldset[id="${id}"]`)).toHaveCount(1);
    for (let i = 0; i < 4 && (await focused(page)).value !== 'Met'; i++) await page.keyboard.press('ArrowRight');
    await expect(page.locator(`#${id}_status_met`)).toBeChecked();
    await expect(page.locator(`#${id}_status_met`)).toBeFocused();
    // The focused answer shows it: the segment's label draws the focus ring.
    const ring = await page.locator(`label[for="${id}_status_met"]`).evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { outlineStyle: string } }).getComputedStyle(el).outlineStyle);
    expect(ring).toBe('solid');
    await tabTo(page, 'the justification', (f) => f.tag === 'textarea');
    await page.keyboard.type('Reports go to https://example.org/issues and are answered within a week.');
    return id;
  });

  await test.step('activate "Save and continue" of the section', async () => {
    await tabTo(page, 'the section\'s Save and continue', (f) => f.tag === 'button' && f.name === 'section' && f.value === 'reporting');
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(new RegExp(`${editPath}#section-reporting$`));
  });

  await test.step('the confirmation is in the section, visible and focused', async () => {
    const confirmation = page.locator('#section-reporting');
    await expect(confirmation).toHaveText('Your answers have been saved.');
    await expect(confirmation).toHaveAttribute('role', 'status');
    await expect(confirmation).toBeInViewport();
    await expect(confirmation).toBeFocused();
    // The focus is visible: a solid outline of at least 2 px around the confirmation.
    const outline = await confirmation.evaluate((el) => {
      const style = (globalThis as unknown as { getComputedStyle(e: unknown): { outlineStyle: string; outlineWidth: string } }).getComputedStyle(el);
      return { style: style.outlineStyle, width: parseFloat(style.outlineWidth) };
    });
    expect(outline.style).toBe('solid');
    expect(outline.width).toBeGreaterThanOrEqual(2);
    await expect(page.locator('section[aria-labelledby="section-reporting-heading"]').locator('.section-flash')).toHaveCount(1);
    await expect(page.locator(`#${criterionId}_status_met`)).toBeChecked();
    await expect(page.locator(`#${criterionId}-state .status`)).toHaveText('Met');
  });

  expect(errors, 'the browser reported errors (CSP violations appear here)').toEqual([]);
});
