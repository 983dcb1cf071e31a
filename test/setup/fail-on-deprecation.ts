import { afterAll, afterEach } from 'vitest';

/**
 * Fails the test during which Node reports a deprecation (for example pg's "Calling
 * client.query() when the client is already executing a query"), so that driver misuse that
 * will break with the next major version cannot creep back in as a line of noise in the output.
 * Node reports each deprecation once per process, so the first test that triggers it fails.
 */
const reported: string[] = [];

process.on('warning', (warning) => {
  if (warning.name === 'DeprecationWarning') reported.push(warning.stack ?? `${warning.name}: ${warning.message}`);
});

function failOnReported(): void {
  if (reported.length === 0) return;
  const stacks = reported.splice(0);
  throw new Error(`Deprecated API used:\n${stacks.join('\n\n')}`);
}

// The warning event is emitted on a later tick than the call that caused it.
afterEach(async () => {
  await new Promise((resolve) => setImmediate(resolve));
  failOnReported();
});

afterAll(async () => {
  await new Promise((resolve) => setImmediate(resolve));
  failOnReported();
});
