/**
 * A tester's handle on the real PC app under Playwright (docs/ELECTRON-TESTING.md shows how to
 * write a test with it):
 *
 *   const pc = await PcApp.launch();                 // fresh temp data dir, embedded server
 *   await pc.signIn({ login: 'demo@resume.local', password: 'resume-demo' }, 'Test PC');
 *   await pc.play('harbour-lights');
 *   expect(await pc.position()).toBeGreaterThan(5);
 *   await pc.cutNetwork();  …  await pc.restoreNetwork();
 *   await pc.close();                                // quits (saving the breakpoint), removes the data dir
 *
 * Everything goes through the real app: the window's page (`pc.page`), the main process
 * (`pc.app.evaluate`), the household server the app runs (`pc.serverUrl`). After a renderer
 * crash Playwright's Page is dead for good (and a reload of the same webContents gives no new
 * Page), so `inWindow` reads the window through the main process instead, which always works.
 */
import { rm } from 'node:fs/promises';
import { expect, type ElectronApplication, type Page } from '@playwright/test';
import { card, nameTerminal, playFromCatalogue, signIn, videoTime } from '../fixtures.ts';
import { freshDataDir, launch, windowState } from './launch.ts';

/** What `PcApp.launch` accepts. */
export interface PcAppOptions {
  /** Keep the app's data here (and keep it afterwards); default: a fresh temp dir, removed on close. */
  dataDir?: string;
  /** Extra flags: `--kiosk`, `--server-url=…`, `--config=FILE`. */
  args?: string[];
}

export class PcApp {
  /** Playwright's handle on the Electron app (main process: `app.evaluate`). */
  readonly app: ElectronApplication;
  /** The window's page (dead after a renderer crash: use `inWindow`). */
  readonly page: Page;
  /** The app's data folder (store, embedded server data, logs). */
  readonly dataDir: string;
  readonly #ownsDir: boolean;

  private constructor(app: ElectronApplication, page: Page, dataDir: string, ownsDir: boolean) {
    this.app = app;
    this.page = page;
    this.dataDir = dataDir;
    this.#ownsDir = ownsDir;
  }

  /** Start the app and wait until the renderer is loaded from its server. */
  static async launch(o: PcAppOptions = {}): Promise<PcApp> {
    const dataDir = o.dataDir ?? (await freshDataDir());
    const { app, page } = await launch(dataDir, o.args ?? []);
    return new PcApp(app, page, dataDir, o.dataDir === undefined);
  }

  /** The server the window talks to (the household server, or `--server-url`). */
  get serverUrl(): string {
    return new URL(this.page.url()).origin;
  }

  /** Sign in with a password and name this PC; resolves on the home page. */
  async signIn(account: { login: string; password: string }, terminalName = 'Test PC'): Promise<void> {
    await signIn(this.page, account);
    await nameTerminal(this.page, terminalName, 'pc');
    await this.waitForHome();
  }

  /** Wait for the home page (catalogue shown). */
  async waitForHome(): Promise<void> {
    await expect(this.page.locator('[data-testid=tile]').first()).toBeVisible({ timeout: 20_000 });
  }

  /** Play a programme from the catalogue; resolves once the picture moves. */
  play(programId: string): Promise<void> {
    return playFromCatalogue(this.page, programId);
  }

  /** The player's position in seconds (the <video>'s currentTime). */
  position(): Promise<number> {
    return videoTime(this.page);
  }

  /** The breakpoint (ms) on the Continue-watching card of `programId`, or null when there is none. */
  async cardOffsetMs(programId: string): Promise<number | null> {
    const raw = await card(this.page, programId).getAttribute('data-offset-ms', { timeout: 20_000 }).catch(() => null);
    return raw === null ? null : Number(raw);
  }

  /** Take the network away from the window (offline emulation of its session), or give it back. */
  async cutNetwork(): Promise<void> {
    await this.app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.webContents.session.enableNetworkEmulation({ offline: true }));
  }
  async restoreNetwork(): Promise<void> {
    await this.app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.webContents.session.disableNetworkEmulation());
  }

  /**
   * Evaluate an expression in the window's page through the main process
   * (`webContents.executeJavaScript`): works after a renderer crash and reload, when `page` does not.
   */
  inWindow<T>(expression: string): Promise<T> {
    return this.app.evaluate(({ BrowserWindow }, expr) => {
      const w = BrowserWindow.getAllWindows()[0];
      if (!w) throw new Error('no window');
      return w.webContents.executeJavaScript(expr) as Promise<T>;
    }, expression) as Promise<T>;
  }

  /** Crash the renderer (as a GPU or page bug would); the app reloads it by itself. */
  async crashRenderer(): Promise<void> {
    await this.app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.webContents.forcefullyCrashRenderer());
  }

  /** The window as main sees it (kiosk, fullscreen, bounds, menu). */
  window(): ReturnType<typeof windowState> {
    return windowState(this.app);
  }

  /** The primary display's work area (what a window can cover; Xvfb's screen size). */
  workArea(): Promise<{ x: number; y: number; width: number; height: number }> {
    return this.app.evaluate(({ screen }) => screen.getPrimaryDisplay().workArea);
  }

  /** Quit the app (it saves the breakpoint on the way out); removes a temp data dir. */
  async close(): Promise<void> {
    await this.app.close();
    if (this.#ownsDir) await rm(this.dataDir, { recursive: true, force: true });
  }
}
