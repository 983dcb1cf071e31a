import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig, devices } from '@playwright/test';
import { MAIL_API_URL, SMTP_CATCHER_URL } from './test/e2e/ports.ts';
import { AUTOMATION_APP_PORT, AUTOMATION_APP_URL, FAKE_FORGE_URL } from './test/e2e/forge-ports.ts';

/**
 * End-to-end tests drive Debian's chromium (Playwright cannot download its own browsers here)
 * against the real server with a fresh embedded PostgreSQL cluster per run. The server delivers
 * its mail by SMTP to test/e2e/smtp-catcher.ts, which the tests read through its HTTP API.
 */
const port = 3100;
const baseURL = `http://127.0.0.1:${port}`;

// Playwright loads this file in the runner and again in every worker. Only the runner creates
// the data directory; workers inherit its path through the environment.
const dataDirVariable = 'BADGEAPP_E2E_DATA_DIR';
let dataDir = process.env[dataDirVariable];
if (dataDir === undefined) {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'badgeapp-e2e-'));
  // As root, embedded PostgreSQL runs as the `postgres` user, which must reach DATA_DIR/pg.
  fs.chmodSync(dataDir, 0o755);
  process.env[dataDirVariable] = dataDir;
  const created = dataDir;
  // The web server has been stopped by the time the runner exits.
  process.on('exit', () => {
    if (process.env.BADGEAPP_E2E_KEEP_DATA === undefined) fs.rmSync(created, { recursive: true, force: true });
  });
}

export default defineConfig({
  testDir: 'test/e2e',
  outputDir: 'test-results/e2e',
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  reporter: 'list',
  use: {
    baseURL,
    // Recording a trace doubles the journey's run time (about 140 form actions); CI keeps one
    // for failed tests, a local run relies on the failure screenshot and error context.
    trace: process.env.CI ? 'retain-on-failure' : 'off',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          executablePath: '/usr/bin/chromium',
          args: [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
      },
    },
  ],
  // Started in this order and stopped in reverse: the mail catcher outlives the app.
  webServer: [
    {
      command: 'exec node --import tsx test/e2e/smtp-catcher.ts',
      url: `${MAIL_API_URL}/healthz`,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: 'pipe',
      stderr: 'pipe',
      gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
    },
    {
      // The runner's environment is passed on; a DATABASE_URL there must not redirect the tests
      // away from their own fresh embedded cluster, nor PUBLIC_URL change the links they follow.
      command: 'unset DATABASE_URL PUBLIC_URL; exec node --import tsx src/server.ts',
      url: `${baseURL}/healthz`,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: 'pipe',
      stderr: 'pipe',
      // SIGTERM lets the server stop its embedded PostgreSQL cleanly.
      gracefulShutdown: { signal: 'SIGTERM', timeout: 15_000 },
      env: {
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        SEED_DEMO_DATA: 'false',
        NODE_ENV: 'test',
        LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
        SMTP_URL: SMTP_CATCHER_URL,
        // Automation would prefill the forms other journeys check answer by answer.
        AUTOMATION_ENABLED: 'false',
      },
    },
    {
      command: 'exec node --import tsx test/e2e/fake-forge-server.ts',
      url: `${FAKE_FORGE_URL}/healthz`,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: 'pipe',
      stderr: 'pipe',
    },
    {
      // The automation journey's own app (test/e2e/automation.spec.ts): repositories on the fake
      // forge, whose private address only FETCH_ALLOW_HOSTS lets the fetcher reach.
      command: 'unset DATABASE_URL PUBLIC_URL; exec node --import tsx src/server.ts',
      url: `${AUTOMATION_APP_URL}/healthz`,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: 'pipe',
      stderr: 'pipe',
      gracefulShutdown: { signal: 'SIGTERM', timeout: 15_000 },
      env: {
        PORT: String(AUTOMATION_APP_PORT),
        HOST: '127.0.0.1',
        DATA_DIR: path.join(dataDir, 'automation'),
        SEED_DEMO_DATA: 'false',
        NODE_ENV: 'test',
        LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
        SMTP_URL: SMTP_CATCHER_URL,
        AUTOMATION_ENABLED: 'true',
        AUTOMATION_POLL_MS: '200',
        GITHUB_BASE_URL: FAKE_FORGE_URL,
        GITHUB_API_URL: `${FAKE_FORGE_URL}/api/github`,
        GITLAB_URL: `${FAKE_FORGE_URL}/gitlab`,
        GITEA_URL: `${FAKE_FORGE_URL}/gitea`,
        FETCH_ALLOW_HOSTS: new URL(FAKE_FORGE_URL).host,
      },
    },
  ],
});
