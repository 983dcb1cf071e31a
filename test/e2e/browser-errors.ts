import type { Page } from '@playwright/test';

/** Collects everything the browser reports as an error; CSP violations arrive as console errors. */
export function watchForErrors(page: Page, label = ''): string[] {
  const errors: string[] = [];
  const prefix = label ? `${label}: ` : '';
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const where = message.location().url;
    errors.push(`${prefix}console: ${message.text()} (${where})`);
  });
  page.on('pageerror', (error) => {
    errors.push(`${prefix}page error: ${error.message}`);
  });
  page.on('requestfailed', (request) => {
    // Cancelled by the next navigation: the browser fetches the favicon after the load event,
    // which a test that moves on at once interrupts. CSP refusals and network errors differ.
    if (request.failure()?.errorText === 'net::ERR_ABORTED') return;
    errors.push(`${prefix}request failed: ${request.method()} ${request.url()} ${request.failure()?.errorText ?? ''}`);
  });
  return errors;
}
