/**
 * Fixed addresses of the automation journey: the fake forge (test/e2e/fake-forge-server.ts) and
 * the second app server that reads repositories from it (automation is off on the main e2e
 * server, so the other journeys see forms exactly as people left them).
 */
export const FAKE_FORGE_PORT = 3190;
export const FAKE_FORGE_URL = `http://127.0.0.1:${FAKE_FORGE_PORT}`;
export const AUTOMATION_APP_PORT = 3101;
export const AUTOMATION_APP_URL = `http://127.0.0.1:${AUTOMATION_APP_PORT}`;
