import { expect, test, type Page } from '@playwright/test';
import { adminPages, anonymousPages, buildSite, ownerPages, type Visit } from './site.ts';

/**
 * No page is wider than a phone: every page type, filled with long names and URLs, is measured
 * at 320 and 390 px, and the document must not scroll sideways.
 */

const WIDTHS = [320, 390] as const;

/** The document's scroll width against the viewport's (an expression: this code has no DOM types). */
function widthsOf(page: Page): Promise<{ scrollWidth: number; innerWidth: number }> {
  return page.evaluate<{ scrollWidth: number; innerWidth: number }>('({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth })');
}

/** Visits each path at each width; returns every page that is wider than the viewport. */
async function measure(page: Page, paths: readonly Visit[]): Promise<string[]> {
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
  const site = await test.step('users, projects, a collaborator, an offer and a deleted project', () => buildSite(browser, baseURL));

  const aliceTooWide = await test.step('signed-in pages', () => measure(site.alice, ownerPages(site)));
  const bobTooWide = await test.step('admin pages and an incoming offer', () => measure(site.bob, adminPages(site)));
  const anonymousTooWide = await test.step('anonymous pages', () => measure(site.anonymous, anonymousPages(site)));

  await test.step('the folded menu opens without script and fits as well', async () => {
    await site.alice.setViewportSize({ width: 320, height: 800 });
    await site.alice.goto('/en');
    const menu = site.alice.getByRole('navigation', { name: 'Main' });
    await expect(menu.getByRole('link', { name: 'Your account' })).toBeHidden();
    await menu.getByText('Menu', { exact: true }).click();
    await expect(menu.getByRole('link', { name: 'Your account' })).toBeVisible();
    const { scrollWidth, innerWidth } = await widthsOf(site.alice);
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
  });

  expect([...aliceTooWide, ...bobTooWide, ...anonymousTooWide], 'pages wider than the viewport').toEqual([]);
  // Only the deliberately requested error statuses may appear as failed loads.
  const unexpected = [...site.errors.alice, ...site.errors.bob, ...site.errors.anonymous].filter((e) => !/responded with a status of (403|404|409)\b/.test(e));
  expect(unexpected, 'the browsers reported errors (CSP violations appear here)').toEqual([]);
});

test('statistics charts keep their text at about 12 px or more on a 390 px phone and on a desktop', async ({ page }) => {
  /** The smallest rendered text size (font size times the drawing's scale) in the displayed charts. */
  const smallestText = (): Promise<{ charts: number; smallest: number }> =>
    page.evaluate<{ charts: number; smallest: number }>(`(() => {
      const shown = [...document.querySelectorAll('.charts svg.chart')].filter((svg) => svg.getBoundingClientRect().width > 0);
      const sizes = shown.flatMap((svg) => [...svg.querySelectorAll('text')].map((text) => Number(text.getAttribute('font-size')) * text.getScreenCTM().a));
      return { charts: shown.length, smallest: Math.min(...sizes) };
    })()`);
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    await page.goto('/project_stats');
    const { charts, smallest } = await smallestText();
    // One drawing of each chart is displayed (the level chart, three progress charts, months).
    expect(charts, `charts displayed at ${width} px`).toBeGreaterThanOrEqual(5);
    expect(await page.locator('.charts svg.chart').count()).toBe(2 * charts);
    expect(smallest, `smallest chart text at ${width} px`).toBeGreaterThanOrEqual(12);
  }
});
