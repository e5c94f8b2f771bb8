/**
 * A stand-in for the `electron` module, enough to run main/index.ts under Node in a unit test:
 * app events (ready, before-quit with preventDefault, window-all-closed), windows that record
 * their options, URL and CSS, a webContents whose `send` reaches a simulated renderer, ipcMain
 * handlers the test can invoke, powerMonitor, session hooks, and `utilityProcess.fork` backed
 * by Node's child_process (running server-mock's CLI, which is what server.mjs bundles).
 *
 * It models Electron's behaviour only as far as the wiring depends on it; the real thing is
 * exercised by the Playwright Electron suite where a binary exists.
 */
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

type Listener = (event: unknown, ...args: unknown[]) => unknown;

/** What a test sees of a fake window. */
export interface FakeWindow extends EventEmitter {
  readonly options: Record<string, unknown>;
  readonly webContents: FakeWebContents;
  readonly loads: string[];
  kiosk: boolean;
  destroyed: boolean;
}

/** A cancellable event. */
export function cancellable(): { preventDefault(): void; defaultPrevented: boolean } {
  const e = {
    defaultPrevented: false,
    preventDefault() {
      e.defaultPrevented = true;
    },
  };
  return e;
}

const SERVER_CLI = fileURLToPath(new URL('../../server-mock/cli.ts', import.meta.url));

export class FakeWebContents extends EventEmitter {
  static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  url = '';
  crashed = false;
  readonly sent: { channel: string; payload: unknown }[] = [];
  readonly css = new Map<string, string>();
  windowOpenHandler: ((d: { url: string }) => { action: string }) | null = null;
  /** The simulated renderer: receives what main sends. */
  renderer: ((channel: string, payload: unknown) => void) | null = null;

  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload });
    setTimeout(() => this.renderer?.(channel, payload), 1);
  }
  isCrashed(): boolean {
    return this.crashed;
  }
  setWindowOpenHandler(h: (d: { url: string }) => { action: string }): void {
    this.windowOpenHandler = h;
  }
  async insertCSS(css: string): Promise<string> {
    const key = `css-${this.css.size + 1}`;
    this.css.set(key, css);
    return key;
  }
  async removeInsertedCSS(key: string): Promise<void> {
    this.css.delete(key);
  }
}

/** Build a fresh fake (one per imported main/index.ts). */
export function createFake(opts: { userData: string; appPath: string }) {
  const handlers = new Map<string, Listener>();
  const switches: string[][] = [];
  let menu: unknown = 'none';
  let quitted!: () => void;
  const quit = new Promise<void>((r) => (quitted = r));
  const children: { kill(): boolean }[] = [];
  let logsPath: string | null = null;
  const blockers = new Map<number, string>();
  let nextBlocker = 1;
  const protocolLog: string[] = [];
  const protocolHandlers = new Map<string, (req: Request) => Response | Promise<Response>>();
  const clipboardState = { fail: false, text: '' };
  let readyResolve!: () => void;
  const ready = new Promise<void>((r) => (readyResolve = r));

  const all: FakeBrowserWindow[] = [];
  class FakeBrowserWindow extends EventEmitter implements FakeWindow {
    static getAllWindows(): FakeBrowserWindow[] {
      return all.filter((w) => !w.destroyed);
    }
    readonly webContents = new FakeWebContents();
    destroyed = false;
    kiosk: boolean;
    fullscreen: boolean;
    readonly loads: string[] = [];
    readonly options: Record<string, unknown>;

    constructor(options: Record<string, unknown>) {
      super();
      this.options = options;
      this.kiosk = options.kiosk === true;
      this.fullscreen = options.fullscreen === true;
      all.push(this);
      setTimeout(() => this.emit('ready-to-show'), 1);
    }
    isDestroyed(): boolean {
      return this.destroyed;
    }
    async loadURL(url: string): Promise<void> {
      this.loads.push(url);
      this.webContents.url = url;
      // As in Electron: CSS inserted into a document goes with it.
      this.webContents.css.clear();
      await new Promise((r) => setTimeout(r, 1));
      this.webContents.emit('did-finish-load');
    }
    show(): void {}
    maximize(): void {}
    isMaximized(): boolean {
      return false;
    }
    isMinimized(): boolean {
      return false;
    }
    restore(): void {}
    focus(): void {}
    setKiosk(on: boolean): void {
      this.kiosk = on;
    }
    isKiosk(): boolean {
      return this.kiosk;
    }
    isVisible(): boolean {
      return !this.destroyed;
    }
    setFullScreen(on: boolean): void {
      this.fullscreen = on;
    }
    isFullScreen(): boolean {
      return this.fullscreen;
    }
    getNormalBounds() {
      return { x: 10, y: 20, width: 1100, height: 700 };
    }
    /** Close as Electron does: 'close' may be cancelled; then 'closed'. */
    close(): void {
      if (this.destroyed) return;
      const e = cancellable();
      this.emit('close', e);
      if (e.defaultPrevented) return;
      this.destroyed = true;
      this.emit('closed');
      if (FakeBrowserWindow.getAllWindows().length === 0) app.emit('window-all-closed');
    }
  }

  const app = Object.assign(new EventEmitter(), {
    isPackaged: false,
    exitCode: null as number | null,
    /** `app.exit()` was called: the process is gone (no quit events, children with it). */
    exited: false,
    done: false,
    commandLine: { appendSwitch: (...a: string[]) => void switches.push(a) },
    setPath: (_n: string, p: string) => void (opts.userData = p),
    getPath: (name?: string) => (name === 'logs' ? (logsPath ?? join(opts.userData, 'logs')) : opts.userData),
    setAppLogsPath: (p?: string) => void (logsPath = p ?? join(opts.userData, 'logs')),
    loginItem: { openAtLogin: false } as { openAtLogin: boolean; args?: string[] },
    setLoginItemSettings: (s: { openAtLogin: boolean; args?: string[] }) => void (app.loginItem = s),
    getLoginItemSettings: () => app.loginItem,
    relaunches: [] as unknown[],
    getAppPath: () => opts.appPath,
    getVersion: () => '0.1.0',
    getName: () => 'resume-anywhere',
    /** The OS's preferred languages (a test sets them before `ready`). */
    systemLanguages: ['en-GB', 'zh-CN'] as string[],
    getPreferredSystemLanguages: () => app.systemLanguages,
    getLocale: () => app.systemLanguages[0] ?? 'en-US',
    requestSingleInstanceLock: () => true,
    whenReady: () => ready,
    relaunch: (o?: unknown) => void app.relaunches.push(o ?? {}),
    // Electron: exits at once, without before-quit/will-quit; the utility processes die with it.
    exit: (code: number) => {
      app.exitCode = code;
      app.exited = true;
      children.forEach((c) => c.kill());
    },
    quit: () => {
      const e = cancellable();
      app.emit('before-quit', e);
      if (e.defaultPrevented) return;
      for (const w of FakeBrowserWindow.getAllWindows()) w.close();
      if (FakeBrowserWindow.getAllWindows().length > 0) return;
      if (app.done) return;
      app.done = true;
      app.emit('will-quit', cancellable());
      quitted();
    },
  });

  type HeaderHook = (d: { url: string; responseHeaders?: Record<string, string[]> }, cb: (r: { responseHeaders: Record<string, string[]> }) => void) => void;
  type PermissionHook = (wc: unknown, permission: string, cb: (ok: boolean) => void, details: { requestingUrl: string }) => void;
  const hooks: { header: HeaderHook | null; permission: PermissionHook | null } = { header: null, permission: null };
  const session = {
    get headerHook(): HeaderHook | null {
      return hooks.header;
    },
    get permissionHook(): PermissionHook | null {
      return hooks.permission;
    },
    webRequest: { onHeadersReceived: (h: HeaderHook) => void (hooks.header = h) },
    setPermissionRequestHandler: (h: PermissionHook) => void (hooks.permission = h),
    setPermissionCheckHandler: () => undefined,
  };

  const electron = {
    app,
    BrowserWindow: FakeBrowserWindow,
    // Electron 44+: writeText returns a promise (rejected when the clipboard is denied).
    clipboard: {
      writeText: async (text: string) => {
        if (clipboardState.fail) throw new Error('clipboard denied');
        clipboardState.text = text;
      },
    },
    powerSaveBlocker: {
      start: (type: string) => {
        const id = nextBlocker++;
        blockers.set(id, type);
        return id;
      },
      stop: (id: number) => blockers.delete(id),
      isStarted: (id: number) => blockers.has(id),
    },
    /** Native dialogs: a test queues the folders the user will pick (empty: cancelled) and sees the message boxes. */
    dialog: {
      picks: [] as string[][],
      opened: [] as unknown[],
      messages: [] as { message: string; detail?: string; buttons?: string[] }[],
      showOpenDialog: async (...a: unknown[]) => {
        electron.dialog.opened.push(a.at(-1));
        const paths = electron.dialog.picks.shift() ?? [];
        return { canceled: paths.length === 0, filePaths: paths };
      },
      showMessageBox: async (...a: unknown[]) => {
        electron.dialog.messages.push(a.at(-1) as { message: string; detail?: string; buttons?: string[] });
        return { response: 0, checkboxChecked: false };
      },
    },
    ipcMain: {
      handle: (channel: string, listener: Listener) => void handlers.set(channel, listener),
      removeHandler: (channel: string) => void handlers.delete(channel),
    },
    Menu: {
      buildFromTemplate: (t: unknown) => ({ template: t }),
      setApplicationMenu: (m: unknown) => void (menu = m),
    },
    net: { fetch: (url: string, init: RequestInit) => fetch(url, init) },
    powerMonitor: new EventEmitter(),
    protocol: {
      handle: (scheme: string, h: (req: Request) => Response | Promise<Response>) => {
        protocolLog.push(`handle ${scheme}`);
        protocolHandlers.set(scheme, h);
      },
      unhandle: (scheme: string) => {
        protocolLog.push(`unhandle ${scheme}`);
        protocolHandlers.delete(scheme);
      },
    },
    safeStorage: {
      isEncryptionAvailable: () => true,
      getSelectedStorageBackend: () => 'gnome_libsecret',
      encryptString: (s: string) => Buffer.from(`enc:${s}`),
      decryptString: (b: Buffer) => b.toString().slice(4),
    },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    session: { defaultSession: session },
    shell: { openExternal: async () => undefined, openPath: async () => '' },
    utilityProcess: {
      forks: [] as { entry: string; args: string[]; env?: Record<string, string | undefined> }[],
      fork: (entry: string, args: string[], options?: { env?: Record<string, string | undefined> }) => {
        if (app.exited) throw new Error('app.exit() was called: the process is gone');
        electron.utilityProcess.forks.push({ entry, args, ...(options?.env ? { env: options.env } : {}) });
        // server.mjs is the bundle of server-mock/cli.ts; unbundled, run the source.
        const child = spawn(process.execPath, [existsSync(entry) ? entry : SERVER_CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...(options?.env ? { env: options.env } : {}) });
        children.push(child);
        return child;
      },
    },
  };

  return {
    electron,
    /** Fire `ready`. */
    ready: () => readyResolve(),
    /** Resolves when the app really quit. */
    quit,
    switches,
    menu: () => menu,
    session,
    handlers,
    windows: () => FakeBrowserWindow.getAllWindows(),
    /** Call an IPC channel as a renderer frame at `url` would. */
    invoke: async (channel: string, args: unknown, frame: { id: number; url: string }) => {
      const h = handlers.get(channel);
      if (!h) throw new Error(`no handler for ${channel}`);
      return h({ sender: { id: frame.id }, senderFrame: { url: frame.url } }, args);
    },
    /** Display-sleep blockers now held (powerSaveBlocker). */
    blockers,
    /** protocol.handle / unhandle calls, and the handlers in place. */
    protocolLog,
    protocolHandlers,
    clipboard: clipboardState,
    /** Kill anything still running (a failed test). */
    cleanup: () => children.forEach((c) => c.kill()),
  };
}

/** A fake Electron as created by `createFake`. */
export type FakeElectron = ReturnType<typeof createFake>;

/**
 * The fake the mocked `electron` module hands out. On globalThis, because vi.resetModules()
 * gives the mock factory a fresh copy of this module for every import of main/index.ts.
 */
export const fake = {
  get current(): FakeElectron | null {
    return (globalThis as { __raFakeElectron?: FakeElectron }).__raFakeElectron ?? null;
  },
  set current(f: FakeElectron | null) {
    (globalThis as { __raFakeElectron?: FakeElectron | null }).__raFakeElectron = f;
  },
};
