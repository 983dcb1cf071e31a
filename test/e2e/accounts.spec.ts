import { expect, test, type Page } from '@playwright/test';
import { watchForErrors } from './browser-errors.ts';
import { linkFrom, waitForMail } from './mailbox.ts';
import { person, uniqueSuffix, type Person } from './site.ts';

/**
 * Two people share a project entry: Alice signs up and registers it, Bob signs up, Alice makes
 * him a collaborator, Bob answers a criterion, and Alice hands the entry over to him. Every
 * mail goes through the real SMTP catcher and every link the tests follow comes from a mail.
 */

async function signUp(page: Page, who: Person): Promise<void> {
  await page.goto('/');
  await page.getByRole('link', { name: 'Sign up' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Create an account' })).toBeVisible();
  await page.getByLabel(/^Name/).fill(who.name);
  await page.getByLabel(/^Email address/).fill(who.email);
  await page.getByLabel(/^Password/).fill(who.password);
  await page.getByLabel(/^Confirm password/).fill(who.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Check your email' })).toBeVisible();
}

async function activateAndLogIn(page: Page, who: Person): Promise<void> {
  const mail = await waitForMail(who.email, 'Activate your Best Practices Badge account');
  expect(mail.text).toContain(`Hello ${who.name},`);
  await page.goto(linkFrom(mail, '/account_activations/'));
  await expect(page.getByRole('heading', { level: 1, name: 'Activate your account' })).toBeVisible();
  await page.getByRole('button', { name: 'Activate my account' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.locator('.flash[role=status]')).toHaveText('Your account is active. You can log in now.');
  await page.getByLabel(/^Email address/).fill(who.email);
  await page.getByLabel(/^Password/).fill(who.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByText(`Signed in as ${who.name}`)).toBeVisible();
}

test('two people share a project and hand over its ownership', async ({ page: alicePage, browser, baseURL }) => {
  test.setTimeout(90_000);
  const unique = uniqueSuffix();
  const alice = person('Alice', unique);
  const bob = person('Bob', unique);
  const projectName = `shared-${unique}`;
  const justification = `Bob checked: the README explains it at https://example.org/${unique}/readme`;

  const bobContext = await browser.newContext({ baseURL });
  const bobPage = await bobContext.newPage();
  const aliceErrors = watchForErrors(alicePage, 'Alice');
  const bobErrors = watchForErrors(bobPage, 'Bob');

  await test.step('Alice signs up, activates her account from the mail and logs in', async () => {
    await signUp(alicePage, alice);
    await activateAndLogIn(alicePage, alice);
  });

  const projectId = await test.step('Alice registers a project', async () => {
    await alicePage.getByRole('link', { name: 'Get your badge', exact: true }).click();
    await expect(alicePage).toHaveURL(/\/projects\/new$/);
    await alicePage.getByLabel('Source repository URL').fill(`https://github.com/e2e/${projectName}`);
    await alicePage.getByLabel('Project home page URL').fill(`https://example.org/${projectName}`);
    await alicePage.getByLabel('Name', { exact: true }).fill(projectName);
    await alicePage.getByLabel('Description', { exact: true }).fill('A project two people share in the end-to-end test.');
    await alicePage.getByRole('button', { name: 'Register project' }).click();
    await expect(alicePage).toHaveURL(/\/projects\/\d+\/passing\/edit$/);
    await expect(alicePage.getByRole('status').filter({ hasText: 'Your project is registered' })).toBeVisible();
    return /\/projects\/(\d+)\//.exec(alicePage.url())![1]!;
  });
  const projectPath = `/projects/${projectId}`;

  const bobId = await test.step('Bob signs up, activates, logs in and finds his user id', async () => {
    await signUp(bobPage, bob);
    await activateAndLogIn(bobPage, bob);
    await bobPage.getByRole('link', { name: 'Transfers', exact: true }).click();
    await expect(bobPage.getByRole('heading', { level: 1, name: 'Ownership transfers' })).toBeVisible();
    await expect(bobPage.getByText('Nobody is offering you a project at the moment.')).toBeVisible();
    const sentence = await bobPage.getByText(/^Your user id is \d+\./).innerText();
    return /Your user id is (\d+)\./.exec(sentence)![1]!;
  });

  await test.step('Alice adds Bob as a collaborator by his user id', async () => {
    await alicePage.goto(projectPath);
    await alicePage.getByRole('link', { name: 'Collaborators', exact: true }).click();
    await expect(alicePage.getByRole('heading', { level: 1, name: `Collaborators of ${projectName}` })).toBeVisible();
    await expect(alicePage.getByText('There are no collaborators yet.')).toBeVisible();
    await alicePage.getByLabel('User id or email address').fill(bobId);
    await alicePage.getByRole('button', { name: 'Add collaborator' }).click();
    await expect(alicePage).toHaveURL(new RegExp(`${projectPath}/collaborators$`));
    await expect(alicePage.locator('.flash[role=status]')).toHaveText(`${bob.name} (user ${bobId}) is now a collaborator.`);
    const people = alicePage.getByRole('table', { name: 'People who may edit this project' });
    await expect(people.getByRole('row').filter({ hasText: alice.name })).toContainText('Owner');
    const bobRow = people.getByRole('row').filter({ hasText: bob.name });
    await expect(bobRow).toContainText('Collaborator');
    await expect(bobRow.getByRole('cell', { name: bobId, exact: true })).toBeVisible();
    await expect(alicePage.getByText('There are no collaborators yet.')).toHaveCount(0);
  });

  await test.step('Bob is told by mail, answers a criterion and sees it on the project page', async () => {
    const mail = await waitForMail(bob.email, `You can now edit ${projectName}`);
    expect(mail.text).toContain(`${alice.name} made you a collaborator`);
    await bobPage.goto(linkFrom(mail, projectPath));
    await bobPage.getByRole('link', { name: /^Edit the .* answers$/ }).click();
    await expect(bobPage).toHaveURL(new RegExp(`${projectPath}/passing/edit$`));
    const criterion = bobPage.getByRole('group', { name: /^The project website MUST give a brief explanation/ });
    await criterion.getByRole('radio', { name: 'Met', exact: true }).check();
    await criterion.getByLabel('Justification', { exact: true }).fill(justification);
    await bobPage.getByRole('button', { name: 'Save and exit' }).first().click();
    await expect(bobPage).toHaveURL(new RegExp(`${projectPath}/passing$`));
    await expect(bobPage.locator('.flash[role=status]')).toHaveText('Your answers have been saved.');
    const shown = bobPage.locator('li.criterion').filter({ hasText: 'The project website MUST give a brief explanation' });
    await expect(shown.locator('.answer-state')).toContainText('Met');
    await expect(shown).toContainText(justification);
  });

  await test.step('Alice sees the answer and offers the ownership to Bob by email address', async () => {
    await alicePage.goto(projectPath);
    await expect(alicePage.getByText(justification)).toBeVisible();
    await alicePage.getByRole('link', { name: 'Transfer ownership' }).click();
    await expect(alicePage.getByRole('heading', { level: 1, name: `Transfer ownership of ${projectName}` })).toBeVisible();
    await expect(alicePage.getByText(/^Current owner: /)).toHaveText(new RegExp(`^Current owner: ${alice.name} \\(user \\d+\\)$`));
    await alicePage.getByLabel(/^New owner/).fill(bob.email);
    await alicePage.getByRole('button', { name: 'Send offer' }).click();
    await expect(alicePage.locator('.flash[role=status]')).toHaveText(`Ownership of ${projectName} was offered to ${bob.name}, who has been sent an email.`);
    const pending = alicePage.getByRole('region', { name: 'Open offer' });
    await expect(pending).toContainText(`Ownership has been offered to ${bob.name} (user ${bobId}).`);
    await expect(pending).toContainText('They were notified by email on');
  });

  await test.step('Bob accepts the offer from the mail and owns the project', async () => {
    const mail = await waitForMail(bob.email, `${alice.name} offers you ownership of ${projectName}`);
    await bobPage.goto(linkFrom(mail, '/transfers/'));
    await expect(bobPage.getByRole('heading', { level: 1, name: `Ownership offer for ${projectName}` })).toBeVisible();
    await expect(bobPage.getByText(`${alice.name} offers you ownership of the project entry`)).toBeVisible();
    await bobPage.getByRole('button', { name: 'Accept and become the owner' }).click();
    await expect(bobPage).toHaveURL(new RegExp(`${projectPath}(/passing)?$`));
    // The flash survives the /projects/:id -> /projects/:id/passing redirect chain.
    await expect(bobPage.locator('.flash[role=status]')).toHaveText(`You are now the owner of ${projectName}.`);
    await expect(bobPage.getByText(/^Entry owner: /)).toHaveText(`Entry owner: ${bob.name}`);
    await expect(bobPage.getByRole('link', { name: 'Transfer ownership' })).toBeVisible();

    const response = await bobPage.request.get(`${projectPath}.json`);
    expect(response.status()).toBe(200);
    const json = (await response.json()) as { user_id?: unknown };
    expect(json.user_id).toBe(Number(bobId));
  });

  await test.step('Alice is told by mail and no longer manages the project', async () => {
    const mail = await waitForMail(alice.email, `Ownership of ${projectName} was transferred`);
    expect(mail.text).toContain(`passed from ${alice.name} to ${bob.name}`);
    await alicePage.goto(linkFrom(mail, projectPath));
    await expect(alicePage.getByText(/^Entry owner: /)).toHaveText(`Entry owner: ${bob.name}`);
    await expect(alicePage.getByRole('link', { name: 'Transfer ownership' })).toHaveCount(0);
    await expect(alicePage.getByRole('link', { name: 'Collaborators', exact: true })).toHaveCount(0);
  });

  await bobContext.close();
  expect([...aliceErrors, ...bobErrors], 'the browsers reported errors (CSP violations appear here)').toEqual([]);
});
