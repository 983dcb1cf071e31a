import { spawn } from 'node:child_process';
import fs from 'node:fs';
import type { Readable } from 'node:stream';

/**
 * Runs the Playwright end-to-end suite against Debian's chromium. Playwright cannot download
 * its own browsers here, so a machine without /usr/bin/chromium skips the suite locally and
 * fails it in CI, where skipping would hide a broken pipeline.
 */
const chromium = '/usr/bin/chromium';
const hint = 'install Debian\'s chromium: apt-get install -y chromium';

if (!fs.existsSync(chromium)) {
  if (process.env.CI) {
    process.stderr.write(`error: ${chromium} is missing, so the end-to-end tests cannot run; ${hint}\n`);
    process.exit(1);
  }
  process.stderr.write(`warning: skipping end-to-end tests: ${hint}\n`);
  process.exit(0);
}

// Output is piped so that deprecation warnings of the app server can fail the run; colours are
// kept when a person is watching.
const colour = process.stdout.isTTY && process.env.NO_COLOR === undefined ? { FORCE_COLOR: '1' } : {};
const child = spawn('npx', ['playwright', 'test', ...process.argv.slice(2)], { stdio: ['inherit', 'pipe', 'pipe'], env: { ...process.env, ...colour } });

// Playwright passes on the web servers' output with each line prefixed "[WebServer] ". A
// deprecation there (pg's "Calling client.query() when the client is already executing a
// query", for one) is driver misuse that the next major version turns into a failure.
const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const deprecations: string[] = [];
function relay(source: Readable, sink: NodeJS.WriteStream): void {
  let partial = '';
  source.on('data', (chunk: Buffer) => {
    sink.write(chunk);
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const plain = line.replace(ansi, '');
      if (/^\[WebServer\] .*DeprecationWarning/.test(plain)) deprecations.push(plain);
    }
  });
}
relay(child.stdout, process.stdout);
relay(child.stderr, process.stderr);

// Ctrl-C reaches Playwright directly (same process group); a second copy would make it skip
// stopping the web server gracefully. SIGTERM is meant for this process alone, so pass it on.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => {
  child.kill('SIGTERM');
});
child.on('error', (err) => {
  process.stderr.write(`error: could not start Playwright: ${err.message}\n`);
  process.exit(1);
});
// 'close' rather than 'exit': the last output has been relayed (and checked) by then.
child.on('close', (code) => {
  if (deprecations.length > 0) {
    process.stderr.write(`error: the server reported deprecated API use:\n${deprecations.join('\n')}\n`);
    process.exit(1);
  }
  process.exit(code ?? 1);
});
