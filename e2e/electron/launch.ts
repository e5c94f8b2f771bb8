/**
 * Launching the PC app under Playwright (`_electron.launch`). Electron's binary is located
 * without triggering its download (scripts/build-electron.ts); where there is none, or no
 * display, `SKIP_REASON` says why and the specs skip themselves with it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron, expect, type ElectronApplication, type Page } from '@playwright/test';
import { buildElectron, displayProblem, locateElectronBinary, npmCommand, sandboxFlags } from '../../scripts/build-electron.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const binary = locateElectronBinary(ROOT);
const display = displayProblem();

/** Why the Electron suite cannot run here, or null. */
export const SKIP_REASON: string | null = !binary.ok
  ? `no Electron binary on this machine: ${binary.reason}`
  : display
    ? `Electron has no headless mode and ${display}`
    : null;

/** Build what the app loads: the renderer (when missing) and dist/electron. */
export async function buildApp(): Promise<void> {
  if (!existsSync(join(ROOT, 'renderer', 'dist', 'index.html'))) {
    const npm = npmCommand();
    const r = spawnSync(npm.command, ['run', 'build:renderer'], { cwd: ROOT, stdio: 'inherit', shell: npm.shell });
    if (r.status !== 0) throw new Error('npm run build:renderer failed');
  }
  await buildElectron(ROOT);
}

/** A fresh app data directory (store + embedded server data). */
export function freshDataDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'ra-electron-'));
}

/** A running app and its window, on the renderer (past the "starting the server" page). */
export interface RunningApp {
  app: ElectronApplication;
  page: Page;
}

/** Start the app on `dataDir` with extra flags; resolves when the renderer is loaded. */
export async function launch(dataDir: string, extra: string[] = []): Promise<RunningApp> {
  if (!binary.ok) throw new Error(binary.reason);
  // Chromium's sandbox cannot start as root in a container; the page sandbox (webPreferences) stays on.
  const rootFlags = sandboxFlags();
  const app = await electron.launch({
    executablePath: binary.path,
    args: [ROOT, `--data-dir=${dataDir}`, '--no-lan', ...rootFlags, ...extra],
    env: { ...process.env, ELECTRON_ENABLE_LOGGING: '1' } as Record<string, string>,
    timeout: 60_000,
  });
  app.process().stderr?.on('data', (d: Buffer) => process.stderr.write(`[electron] ${d.toString()}`));
  const page = await app.firstWindow();
  await page.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\//, { timeout: 30_000 });
  await expect(page.locator('body')).not.toBeEmpty();
  return { app, page };
}

/** The app window's state, read in the main process. */
export function windowState(app: ElectronApplication): Promise<{ kiosk: boolean; fullscreen: boolean; bounds: { x: number; y: number; width: number; height: number }; menu: boolean }> {
  return app.evaluate(({ BrowserWindow, Menu }) => {
    const w = BrowserWindow.getAllWindows()[0];
    if (!w) throw new Error('no window');
    return { kiosk: w.isKiosk(), fullscreen: w.isFullScreen(), bounds: w.getBounds(), menu: Menu.getApplicationMenu() !== null };
  });
}
