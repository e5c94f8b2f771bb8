/**
 * Linking a TV by code (RFC 8628 device authorization), end to end. The TV (`?mode=tv`,
 * 1920×1080, driven by keys only — never clicked) shows a code and a QR code; a person enters
 * the code on a PC that is already a terminal, or on a phone that is not (it signs in for that
 * one request and does not become a terminal). Wrong, reused and expired codes are refused
 * with a clear message and link nothing; an expired code is replaced on the TV by itself.
 * Screenshots of the TV's screen are kept as artifacts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnServer } from '../../server-mock/testing/process.ts';
import { createAccount, enterLinkCode, expect, expectAccessible, keepScreenshot, openTerminal, openTv, test, tvCode, USER_CODE_SHAPE, type Server } from '../fixtures.ts';

const PASSWORD = 'correct-horse-1';
const MESSAGES = {
  invalid: 'That code is not valid — check the code on the TV screen. Codes work once.',
  expired: 'That code has expired. The TV shows a new one: enter that.',
};

/** A code of the right shape that the server did not issue (differs from `issued`). */
function notIssued(issued: string): string {
  return issued === 'BCDF-GHJK' ? 'GHJK-BCDF' : 'BCDF-GHJK';
}

/** The account's terminals, through a user session of the API. */
async function terminalsOf(server: Pick<Server, 'url'>, login: string): Promise<{ name: string; type: string }[]> {
  const session = await fetch(`${server.url}/api/v1/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login, password: PASSWORD }),
  });
  const { token } = (await session.json()) as { token: string };
  const res = await fetch(`${server.url}/api/v1/terminals`, { headers: { authorization: `Bearer ${token}` } });
  await fetch(`${server.url}/api/v1/sessions/current`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
  return ((await res.json()) as { terminals: { name: string; type: string }[] }).terminals;
}

test('a PC links the TV by its code; wrong and reused codes are refused', async ({ browser, server }, testInfo) => {
  const login = 'li@example.com';
  await createAccount(server, login, PASSWORD);
  const tv = await openTv(browser, server);
  const code = await tvCode(tv);
  await expect(tv.getByTestId('tv-link-url')).toHaveText(`${server.url}/#/link`);
  await expect(tv.getByRole('img', { name: /QR code/ })).toBeVisible();
  await expect(tv.getByText('Waiting for the code…')).toBeVisible();
  await expect(tv.getByTestId('tv-code-expires')).toContainText(/This code works for (9:[0-5]\d|10:00)/);
  // Remote keys change nothing and find nothing to focus: the TV only waits.
  for (const key of ['Tab', 'ArrowDown', 'Enter', 'Escape']) await tv.keyboard.press(key);
  expect(await tv.evaluate(() => document.activeElement === document.body || document.activeElement === null)).toBe(true);
  await expectAccessible(tv);
  await keepScreenshot(testInfo, 'tv-link-1080p-en.png', await tv.screenshot());

  // (a) A wrong code (right shape, never issued) is refused; the TV keeps waiting, same code.
  const pc = await openTerminal(browser, server, { login, password: PASSWORD, name: 'Study PC' });
  await pc.page.locator('a[href="#/settings"]').click();
  await pc.page.getByTestId('settings-link-tv').click();
  await expect(pc.page).toHaveURL(/#\/link$/);
  await expect(pc.page.getByLabel('Password')).toHaveCount(0); // a terminal approves without a password
  await expectAccessible(pc.page);
  await enterLinkCode(pc.page, notIssued(code));
  await expect(pc.page.getByTestId('link-error')).toHaveText(MESSAGES.invalid);
  await expect(pc.page.getByRole('alert')).toHaveText(MESSAGES.invalid);
  await keepScreenshot(testInfo, 'link-page-pc-refused.png', await pc.page.screenshot());
  await expect(tv.getByTestId('tv-link')).toBeVisible();
  expect(await tvCode(tv)).toBe(code);

  // (b) The right code links the TV, under the name given; the TV leaves its link screen.
  await enterLinkCode(pc.page, code, 'Den TV');
  await expect(pc.page.getByTestId('link-done')).toContainText('Den TV is now linked to your account. It will show your programmes in a moment.');
  const linkedAt = Date.now();
  await expect(tv.getByTestId('tv-link')).toBeHidden({ timeout: 12_000 });
  const tookMs = Date.now() - linkedAt;
  const identity = await tv.evaluate(() => JSON.parse(localStorage.getItem('ra.identity') ?? 'null') as { terminalName: string; terminalType: string; login: string } | null);
  expect(identity).toMatchObject({ terminalName: 'Den TV', terminalType: 'stb', login });
  expect(await terminalsOf(server, login)).toEqual(
    expect.arrayContaining([expect.objectContaining({ name: 'Study PC', type: 'pc' }), expect.objectContaining({ name: 'Den TV', type: 'stb' })]),
  );
  await keepScreenshot(testInfo, 'tv-after-link-1080p.png', await tv.screenshot());
  testInfo.annotations.push({ type: 'measured', description: JSON.stringify({ tvLinkedAfterMs: tookMs }) });

  // (c) The same code again: codes work once.
  await pc.page.getByRole('button', { name: 'Link another TV' }).click();
  await enterLinkCode(pc.page, code);
  await expect(pc.page.getByTestId('link-error')).toHaveText(MESSAGES.invalid);
  expect((await terminalsOf(server, login)).filter((t) => t.type === 'stb')).toHaveLength(1);
  await pc.page.getByRole('link', { name: 'Back to home' }).click();
  await expect(pc.page.getByTestId('device-chip')).toHaveText('Study PC');
});

test('an expired code is replaced on the TV by itself, and refused on the PC', async ({ browser }, testInfo) => {
  test.setTimeout(90_000);
  const dataDir = await mkdtemp(join(tmpdir(), 'ra-e2e-ttl-'));
  const proc = await spawnServer(['--port', '0', '--data', dataDir, '--log-level', 'warn', '--device-code-ttl-sec', '3', '--device-poll-interval-sec', '1', '--open-registration', 'true']);
  const server: Server = { url: proc.url, dataDir, process: proc };
  const contexts = () => browser.contexts();
  try {
    const login = 'zhou@example.com';
    await createAccount(server, login, PASSWORD);
    const tv = await openTv(browser, server);
    const first = await tvCode(tv);
    // The TV swaps in a new code when the first one expires (3 s), and says so to screen readers.
    await expect(tv.getByTestId('tv-user-code')).not.toHaveText(first, { timeout: 10_000 });
    await expect(tv.getByTestId('tv-user-code')).toHaveText(USER_CODE_SHAPE);
    const second = await tvCode(tv);
    const spelled = second.split('-').map((g) => g.split('').join(' ')).join(', ');
    await expect(tv.getByTestId('tv-link').getByRole('status').filter({ hasText: 'Your code is' })).toHaveText(`Your code is ${spelled}`);
    await keepScreenshot(testInfo, 'tv-link-new-code-1080p.png', await tv.screenshot());

    const pc = await openTerminal(browser, server, { login, password: PASSWORD, name: 'Study PC' });
    await pc.page.evaluate(() => {
      window.location.hash = '#/link';
    });
    await enterLinkCode(pc.page, first);
    await expect(pc.page.getByTestId('link-error')).toHaveText(new RegExp(`^\\s*(${MESSAGES.expired}|${MESSAGES.invalid})$`));
    await expect(tv.getByTestId('tv-link')).toBeVisible();
    expect((await terminalsOf(server, login)).map((t) => t.type)).toEqual(['pc']);
  } finally {
    await Promise.all(contexts().map((c) => c.close().catch(() => undefined)));
    await Promise.race([proc.stop(), new Promise((resolve) => setTimeout(resolve, 5_000))]);
    await proc.kill();
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('the QR code’s page links the TV from a phone that signs in but does not become a terminal', async ({ browser, server }, testInfo) => {
  const login = 'wang@example.com';
  await createAccount(server, login, PASSWORD);
  const tv = await openTv(browser, server, 'zh-CN');
  const code = await tvCode(tv);
  await expect(tv.getByText('正在等待输入代码…')).toBeVisible();
  await keepScreenshot(testInfo, 'tv-link-1080p-zh.png', await tv.screenshot());
  const uri = (await tv.getByTestId('tv-link-url').textContent()) ?? '';
  await expect(tv.getByRole('img', { name: `二维码：打开 ${uri}` })).toBeVisible();

  // The phone opens what the QR code encodes: the link page with the code filled in.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'en-GB' });
  const page = await phone.newPage();
  await page.goto(`${uri}?code=${code}`);
  await expect(page.getByLabel('Code shown on the TV')).toHaveValue(code);
  await expect(page.getByLabel('Email or username')).toBeFocused();
  await expectAccessible(page);
  await page.getByLabel('Email or username').fill(login);
  await page.getByLabel('Password').fill('wrong-password');
  await page.getByRole('button', { name: 'Link TV' }).tap();
  await expect(page.getByTestId('link-error')).toHaveText('That username and password don’t match.');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Link TV' }).tap();
  await expect(page.getByTestId('link-done')).toContainText('客厅电视 is now linked to your account.');
  await keepScreenshot(testInfo, 'link-page-phone-done.png', await page.screenshot());

  await expect(tv.getByTestId('tv-link')).toBeHidden({ timeout: 12_000 });
  // The phone did not become a terminal: nothing stored, and the account lists the TV only.
  expect(await page.evaluate(() => localStorage.getItem('ra.identity'))).toBeNull();
  expect((await terminalsOf(server, login)).map((t) => t.type)).toEqual(['stb']);
  await page.reload();
  await expect(page.getByLabel('Password')).toBeVisible();
  await expect(page.getByTestId('device-chip')).toHaveCount(0);
});
