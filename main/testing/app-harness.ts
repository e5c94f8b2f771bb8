/**
 * Running main/index.ts under Node on the fake electron module (fake-electron.ts) with `conf`
 * standing in for electron-store and the real household server: the module factories for
 * `vi.mock` and `startApp`, shared by main/index.test.ts and main/app.test.ts. Each test file
 * says, at its top:
 *
 *   vi.mock('electron', async () => (await import('./testing/app-harness.ts')).electronModule());
 *   vi.mock('electron-store', async () => (await import('./testing/app-harness.ts')).electronStoreModule());
 */
import { expect, vi } from 'vitest';
import { createFake, fake, type FakeElectron, type FakeWindow } from './fake-electron.ts';

// The fake lives on globalThis (see fake-electron.ts): the factories run again after each reset.
const current = () => (globalThis as { __raFakeElectron?: FakeElectron }).__raFakeElectron as FakeElectron;

/**
 * The mocked `electron` module. Vitest keeps a mock factory's result across vi.resetModules(),
 * so each export forwards to the fake of the current run rather than being that fake.
 */
export function electronModule(): Record<string, unknown> {
  const forward = (name: string) =>
    new Proxy(function placeholder() {}, {
      get: (_t, prop) => {
        const real = (current().electron as Record<string, unknown>)[name] as Record<PropertyKey, unknown>;
        const value = Reflect.get(real, prop);
        return typeof value === 'function' && prop !== 'prototype' ? (value as (...a: unknown[]) => unknown).bind(real) : value;
      },
      construct: (_t, args) => Reflect.construct((current().electron as Record<string, unknown>)[name] as new (...a: unknown[]) => object, args),
    });
  const names = ['app', 'BrowserWindow', 'clipboard', 'dialog', 'ipcMain', 'Menu', 'net', 'powerMonitor', 'powerSaveBlocker', 'protocol', 'safeStorage', 'screen', 'session', 'shell', 'utilityProcess'];
  const electron = Object.fromEntries(names.map((n) => [n, forward(n)]));
  return { ...electron, default: electron };
}

/** The mocked `electron-store`: conf in the fake's userData. */
export async function electronStoreModule(): Promise<Record<string, unknown>> {
  const Conf = (await import('conf')).default;
  const ConfClass = Conf as unknown as new (options: Record<string, unknown>) => object;
  class FakeElectronStore extends ConfClass {
    constructor(options: Record<string, unknown>) {
      const { name, ...rest } = options;
      super({ ...rest, configName: name as string, cwd: current().electron.app.getPath('userData'), projectName: 'resume-anywhere' });
    }
  }
  return { default: FakeElectronStore };
}

type Ok<T> = { ok: true; value: T };

/** Start main/index.ts on a fresh fake (env applied while it loads); resolves once the app loaded. */
export async function startApp(userData: string, appPath: string, started: FakeElectron[], env: Record<string, string> = {}, os: { languages?: string[] } = {}) {
  vi.resetModules();
  const f = createFake({ userData, appPath });
  if (os.languages) f.electron.app.systemLanguages = os.languages;
  fake.current = f;
  started.push(f);
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    await import('../index.ts');
  } finally {
    process.env = saved;
  }
  f.ready();
  await vi.waitFor(() => expect(f.windows()[0]?.loads.some((u) => u.startsWith('http://'))).toBe(true), { timeout: 20_000, interval: 50 });
  const win = f.windows()[0] as FakeWindow;
  const origin = new URL(win.loads.at(-1) as string).origin;
  const frame = { id: win.webContents.id, url: `${origin}/#/home` };
  const call = async <T>(method: string, ...args: unknown[]): Promise<T> => {
    const reply = (await f.invoke(`ra:${method}`, args, frame)) as Ok<T> | { ok: false; error: unknown };
    if (!reply.ok) throw new Error(`${method}: ${JSON.stringify(reply.error)}`);
    return reply.value;
  };
  return { f, win, origin, frame, call };
}

/** Quit as the menu does and wait until the app really quit. */
export async function quitApp(f: FakeElectron): Promise<void> {
  f.electron.app.quit();
  await f.quit;
}
