/**
 * The PC app end to end, in Electron: start (the embedded household server comes up) → sign in
 * → play → quit → start again → resume at the point; and set-top (kiosk) mode driven by keys.
 * Runs wherever Electron's binary and a display exist; elsewhere every test is reported as
 * skipped with the reason. Headless Linux: give Xvfb a real screen (its default is 640×480,
 * smaller than the app's minimum window):
 *   xvfb-run -a -s "-screen 0 1920x1080x24" npx playwright test --project electron
 */
import { rm } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import type { ElectronBridge } from '../../common/ipc.ts';
import { card, nameTerminal, playFromCatalogue, press, signIn, videoTime, waitPlaying } from '../fixtures.ts';
import { buildApp, freshDataDir, launch, SKIP_REASON, windowState } from './launch.ts';
import { PcApp } from './tester.ts';

test.skip(SKIP_REASON !== null, SKIP_REASON ?? '');
// The list reporter does not print skip reasons: say it once, on the console.
if (SKIP_REASON && !process.env.RA_QUIET_SKIP) console.error(`[electron] suite skipped: ${SKIP_REASON}`);
test.describe.configure({ mode: 'serial', timeout: 180_000 });

const DEMO = { login: 'demo@resume.local', password: 'resume-demo' };

test.beforeAll(async () => {
  await buildApp();
});

test('start → sign in → play → quit → start again → resume at the point', async () => {
  const dataDir = await freshDataDir();
  try {
    let { app, page } = await launch(dataDir);

    // The renderer runs on the preload's bridge, against the household server this app runs.
    const info = await page.evaluate(() => (window as unknown as { raBridge: ElectronBridge }).raBridge.info());
    expect(info).toMatchObject({ kind: 'electron', launchMode: 'desktop', defaultServerUrl: new URL(page.url()).origin });
    const status = await page.evaluate(() => (window as unknown as { raBridge: ElectronBridge }).raBridge.serverStatus());
    expect(status).toMatchObject({ mode: 'embedded', state: 'running' });
    // The bridge is a whitelist: nothing but the contract.
    expect(await page.evaluate(() => Object.keys((window as unknown as { raBridge: object }).raBridge).includes('invoke'))).toBe(false);
    expect(await page.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe('undefined');

    await signIn(page, DEMO);
    await nameTerminal(page, 'Electron PC', 'pc');
    await playFromCatalogue(page, 'harbour-lights');
    await press(page, 'ArrowRight', 6);
    await page.waitForTimeout(2_000);
    const playedTo = await videoTime(page);
    expect(playedTo).toBeGreaterThan(60);

    // Place the window, then quit (the app saves the breakpoint on the way out). The size is
    // what the display allows (the app keeps at least 800×500 and at most the work area).
    const area = await app.evaluate(({ screen }) => screen.getPrimaryDisplay().workArea);
    const want = { width: Math.max(800, Math.min(1100, area.width)), height: Math.max(500, Math.min(720, area.height)) };
    await app.evaluate(({ BrowserWindow }, size) => BrowserWindow.getAllWindows()[0]?.setBounds({ x: 40, y: 50, ...size }), want);
    await page.waitForTimeout(800);
    await app.close();

    ({ app, page } = await launch(dataDir));
    expect((await windowState(app)).bounds).toMatchObject(want);
    const cw = card(page, 'harbour-lights');
    await expect(cw).toBeVisible({ timeout: 20_000 });
    const offsetS = Number(await cw.getAttribute('data-offset-ms')) / 1000;
    expect(Math.abs(offsetS - playedTo)).toBeLessThan(3);
    await cw.getByRole('button', { name: /^Resume Harbour Lights/ }).click();
    await waitPlaying(page);
    expect(Math.abs((await videoTime(page)) - offsetS)).toBeLessThan(3);
    await app.close();
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('a renderer crash keeps the point (within one position report of the crash)', async () => {
  const pc = await PcApp.launch();
  try {
    await pc.signIn(DEMO, 'Crashy PC');
    await pc.play('harbour-lights');
    await press(pc.page, 'ArrowRight', 4);
    await pc.page.waitForTimeout(6_000);
    const before = await pc.position();
    await pc.crashRenderer();
    // The crashed Page is gone for good: read the reloaded window through the main process.
    const offsetMs = async () =>
      pc.inWindow<string | null>(`document.querySelector('[data-testid=cw-card][data-program-id="harbour-lights"]')?.getAttribute('data-offset-ms') ?? null`).catch(() => null);
    await expect.poll(offsetMs, { timeout: 30_000 }).not.toBeNull();
    const saved = Number(await offsetMs()) / 1000;
    // The renderer reports every 5 s (and main carries a playing position to the crash).
    expect(Math.abs(saved - before)).toBeLessThan(6);
  } finally {
    await pc.close();
  }
});

test('kiosk mode: fullscreen, TV interface, no cursor, keys only; Ctrl+Alt+Shift+Q leaves it', async () => {
  const dataDir = await freshDataDir();
  try {
    const { app, page } = await launch(dataDir, ['--kiosk']);
    expect(await windowState(app)).toMatchObject({ kiosk: true, menu: false });
    const info = await page.evaluate(() => (window as unknown as { raBridge: ElectronBridge }).raBridge.info());
    expect(info.launchMode).toBe('tv');
    await expect(page.locator('html')).toHaveAttribute('data-mode', 'tv');
    expect(await page.evaluate(() => getComputedStyle(document.body).cursor)).toBe('none');

    // No password with a remote: the TV shows a code, which the account's owner enters elsewhere
    // (here through the API, as the PC's link page does); the TV becomes an stb terminal.
    await expect(page.getByTestId('tv-link')).toBeVisible();
    const code = (await page.getByTestId('tv-user-code').textContent()) ?? '';
    const server = info.defaultServerUrl ?? new URL(page.url()).origin;
    const session = (await (
      await fetch(`${server}/api/v1/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(DEMO) })
    ).json()) as { token: string };
    const linked = await fetch(`${server}/api/v1/device/link`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
      body: JSON.stringify({ userCode: code, name: 'Living-room TV' }),
    });
    expect(linked.status).toBe(200);
    await expect(page.getByTestId('tv-home')).toBeVisible({ timeout: 15_000 });
    await expect(page.getByTestId('device-chip')).toHaveText('Living-room TV');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-focus-key') ?? '')).toMatch(/^(cw|cat):/);

    // Browser keys do nothing in a kiosk; Escape does not leave it.
    await page.keyboard.press('Escape');
    await page.keyboard.press('F11');
    expect((await windowState(app)).kiosk).toBe(true);

    // The deliberate chord leaves set-top mode: a new framed window (frame is constructor-only)
    // with its menu and cursor replaces the kiosk window.
    const replaced = app.waitForEvent('window');
    await page.keyboard.press('Control+Alt+Shift+KeyQ');
    const desktop = await replaced;
    await desktop.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\//, { timeout: 30_000 });
    await expect.poll(async () => (await windowState(app)).kiosk).toBe(false);
    expect((await windowState(app)).menu).toBe(true);
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
    await expect.poll(() => desktop.evaluate(() => getComputedStyle(document.body).cursor)).not.toBe('none');
    await expect(desktop.locator('html')).not.toHaveAttribute('data-mode', 'tv');
    await app.close();
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
