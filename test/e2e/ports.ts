/**
 * Fixed addresses of the end-to-end mail catcher (test/e2e/smtp-catcher.ts), shared by the
 * Playwright config that starts it, the catcher itself and the tests that read its mail.
 */
export const SMTP_CATCHER_HOST = '127.0.0.1';
export const SMTP_CATCHER_SMTP_PORT = 3125;
export const SMTP_CATCHER_HTTP_PORT = 3126;
export const SMTP_CATCHER_URL = `smtp://${SMTP_CATCHER_HOST}:${SMTP_CATCHER_SMTP_PORT}`;
export const MAIL_API_URL = `http://${SMTP_CATCHER_HOST}:${SMTP_CATCHER_HTTP_PORT}`;
