/**
 * The one app window: creating it for the mode (desktop or set-top), loading the app or a
 * status page, the navigation guards, remembering its place, the kiosk keys and cursor, what
 * happens when its renderer crashes, and the Windows session-end events.
 *
 * Leaving set-top mode (Ctrl+Alt+Shift+Q) replaces the window: `frame` is a constructor-only
 * option, so a kiosk window can never grow a title bar and menu. The renderer saves its place
 * first (as on quit), then a framed desktop window opens and the kiosk one closes.
 *
 * A renderer that crashes is reloaded; one that keeps crashing (more than 3 times a minute)
 * gets a status page on a PC, and on a set-top box (nobody there to restart it) the whole app
 * is started again.
 *
 * Electron's objects are injected (types only from 'electron'), so main/index.test.ts runs this
 * on the fake electron module.
 */
import type { BrowserWindow, BrowserWindowConstructorOptions, Rectangle } from 'electron';
import { isBlockedInKiosk, isKioskExitChord, KIOSK_CSS } from './kiosk.ts';
import type { LifecycleCoordinator } from './lifecycle.ts';
import type { LocalState } from './local-state.ts';
import type { Logger } from './log.ts';
import { statusPage } from './pages.ts';
import { translator, type Translate } from '../common/i18n/bundled.ts';
import type { Language } from '../common/platform.ts';
import { isAllowedNavigation, windowOpenDecision } from './security.ts';
import type { StopFlow } from './stop-flow.ts';
import { windowOptions, windowStateOf } from './window-options.ts';

/** What the window needs from the app. */
export interface AppWindowDeps {
  createBrowserWindow: (options: BrowserWindowConstructorOptions) => BrowserWindow;
  displays: () => { workArea: Rectangle }[];
  state: LocalState;
  log: Logger;
  lifecycle: Pick<LifecycleCoordinator, 'crashed' | 'quit'>;
  stop: StopFlow<BrowserWindow>;
  paths: { preload: string; icon: string | null };
  /** The app's origin (null until a server runs). */
  origin: () => string | null;
  /** The app's language now (the renderer's setting, else the OS's): main's own pages use it. */
  language: () => Language;
  /** Before and after the app loads (remote mode arms the shell interceptor for the load). */
  beforeLoad: (origin: string) => void;
  afterLoad: () => void;
  openExternal: (url: string) => void;
  /** Set-top mode changed (the menu follows). */
  onModeChange: () => void;
  /** A set-top renderer keeps crashing: start the app again. */
  relaunch: () => void;
  /** The window showed for the first time (logged: the package smoke test waits for it). */
  onShown?: () => void;
}

/** The window and its mode. */
export class AppWindow {
  readonly #d: AppWindowDeps;
  #win: BrowserWindow | null = null;
  #kiosk: boolean;
  #appShown = false;
  /** The status page on screen (null once the app loads). */
  #page: ((t: Translate) => { title: string; lines: string[] }) | null = null;
  #cssKey: string | null = null;
  #cssQueue: Promise<void> = Promise.resolve();
  readonly #crashes: number[] = [];

  constructor(deps: AppWindowDeps, kiosk: boolean) {
    this.#d = deps;
    this.#kiosk = kiosk;
  }

  /** The current window (null before `open` and after it closed). */
  get win(): BrowserWindow | null {
    return this.#win && !this.#win.isDestroyed() ? this.#win : null;
  }

  /** True in set-top mode. */
  get kiosk(): boolean {
    return this.#kiosk;
  }

  /** True once the app (not a status page) was loaded. */
  get appShown(): boolean {
    return this.#appShown;
  }

  /** Open the window for the current mode. */
  open(): BrowserWindow {
    const w = this.#d.createBrowserWindow(
      windowOptions({
        mode: this.#kiosk ? 'kiosk' : 'desktop',
        saved: this.#d.state.window,
        displays: this.#d.displays(),
        preloadPath: this.#d.paths.preload,
        ...(this.#d.paths.icon ? { iconPath: this.#d.paths.icon } : {}),
      }),
    );
    this.#win = w;
    this.#cssKey = null;
    if (!this.#kiosk && this.#d.state.window?.maximized) w.maximize();
    w.once('ready-to-show', () => {
      w.show();
      this.#d.onShown?.();
    });
    this.#rememberPlace(w);
    this.#wireContents(w);
    w.on('close', (event) => this.#d.stop.windowClose(w, event, () => !w.isDestroyed() && w.close()));
    // Windows: no before-quit on shutdown/log-off; these come to the window instead.
    w.on('query-session-end', (event) => this.#d.stop.querySessionEnd(event.reasons ?? []));
    w.on('session-end', (event) => this.#d.stop.sessionEnd(event.reasons ?? []));
    w.on('closed', () => {
      if (this.#win === w) this.#win = null;
    });
    return w;
  }

  /** Load the app from the server's origin. */
  loadApp(): void {
    const w = this.win;
    const origin = this.#d.origin();
    if (!w || !origin) return;
    this.#appShown = true;
    this.#page = null;
    this.#d.beforeLoad(origin);
    w.loadURL(`${origin}/`).catch((err: unknown) => this.#d.log.warn(`loading ${origin} failed`, String(err)));
  }

  /**
   * Show one of main's own status pages, written by `render` in the app's language. The page is
   * remembered until the app loads, so a language change shows it again in the new language.
   */
  showPage(render: (t: Translate) => { title: string; lines: string[] }): void {
    this.#page = render;
    const w = this.win;
    const lang = this.#d.language();
    const { title, lines } = render(translator(lang));
    if (w) void w.loadURL(statusPage(title, lines, lang)).catch(() => undefined);
  }

  /** The language changed: a status page on screen is shown again in it. */
  relocalize(): void {
    if (this.#page) this.showPage(this.#page);
  }

  /** Bring the window forward (a second instance was started). */
  focus(): void {
    const w = this.win;
    if (!w) return;
    if (w.isMinimized()) w.restore();
    w.focus();
  }

  /**
   * Leave set-top mode: the renderer saves its place, then a framed desktop window with the
   * menu replaces the kiosk window (frame cannot change on a live window).
   */
  async leaveKiosk(): Promise<void> {
    const old = this.win;
    if (!this.#kiosk || !old) return;
    this.#kiosk = false;
    await this.#d.lifecycle.quit('quit').catch((err: unknown) => this.#d.log.warn('saving before leaving set-top mode', String(err)));
    this.#d.onModeChange();
    this.open();
    this.loadApp();
    this.#d.stop.letClose(old);
    if (!old.isDestroyed()) old.close();
    this.#d.log.info('left set-top mode: a desktop window replaced the kiosk window');
  }

  #rememberPlace(w: BrowserWindow): void {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const remember = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        if (!w.isDestroyed() && !w.isKiosk() && !w.isFullScreen()) this.#d.state.window = windowStateOf(w.getNormalBounds(), w.isMaximized());
      }, 400);
    };
    for (const e of ['resize', 'move', 'maximize', 'unmaximize'] as const) w.on(e as 'resize', remember);
  }

  #wireContents(w: BrowserWindow): void {
    const wc = w.webContents;
    const kioskHere = this.#kiosk;
    wc.on('before-input-event', (event, input) => {
      if (!kioskHere || w !== this.#win) return;
      if (isKioskExitChord(input)) {
        event.preventDefault();
        void this.leaveKiosk();
      } else if (isBlockedInKiosk(input)) event.preventDefault();
    });
    wc.on('did-finish-load', () => {
      this.#d.afterLoad();
      // Inserted CSS goes with the document it was inserted into.
      this.#cssQueue = this.#cssQueue.then(() => {
        this.#cssKey = null;
      });
      if (kioskHere) void this.#hideCursor(w);
    });
    const guard = (event: { preventDefault(): void }, url: string) => {
      if (isAllowedNavigation(url, this.#d.origin())) return;
      event.preventDefault();
      this.#d.log.warn(`blocked navigation to ${url.slice(0, 200)}`);
    };
    wc.on('will-navigate', (e, url) => guard(e, url));
    wc.on('will-redirect', (e, url) => guard(e, url));
    wc.on('will-attach-webview', (e) => e.preventDefault());
    wc.setWindowOpenHandler(({ url }) => {
      const d = windowOpenDecision(url, this.#d.origin());
      if (d.openExternally) this.#d.openExternal(d.openExternally);
      return { action: 'deny' };
    });
    wc.on('did-fail-load', (_e, code, description, url, isMainFrame) => {
      if (!isMainFrame || code === -3 || url.startsWith('data:')) return;
      this.#d.afterLoad();
      this.showPage((t) => ({ title: t('pc.page.unreachable.title'), lines: [`${url}: ${description}`, t('pc.page.unreachable.hint')] }));
    });
    wc.on('render-process-gone', (_e, details) => {
      if (details.reason === 'clean-exit') return;
      const now = Date.now();
      this.#crashes.push(now);
      while (this.#crashes.length && (this.#crashes[0] ?? now) < now - 60_000) this.#crashes.shift();
      void this.#d.lifecycle.crashed(wc.id, details.reason).finally(() => {
        if (w.isDestroyed()) return;
        if (this.#crashes.length <= 3) this.loadApp();
        else if (kioskHere) this.#d.relaunch();
        else this.showPage((t) => ({ title: t('pc.page.crashing.title'), lines: [t('pc.page.crashing.lead')] }));
      });
    });
  }

  /** Hide the cursor in a kiosk document; serialised, so loads never race. */
  #hideCursor(w: BrowserWindow): Promise<void> {
    this.#cssQueue = this.#cssQueue
      .then(async () => {
        if (w.isDestroyed() || this.#cssKey) return;
        this.#cssKey = await w.webContents.insertCSS(KIOSK_CSS, { cssOrigin: 'user' });
      })
      .catch((err: unknown) => this.#d.log.warn('kiosk CSS', String(err)));
    return this.#cssQueue;
  }
}

