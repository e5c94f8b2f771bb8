import { describe, expect, it } from 'vitest';
import { DEFAULT_SIZE, isVisibleOnSomeDisplay, MIN_SIZE, restoreBounds, windowOptions, windowStateOf } from './window-options.ts';

const displays = [{ workArea: { x: 0, y: 0, width: 1920, height: 1040 } }, { workArea: { x: 1920, y: 0, width: 1280, height: 1024 } }];
const base = { displays, preloadPath: '/app/dist/electron/preload.cjs', saved: null };

describe('window options', () => {
  it.each(['desktop', 'kiosk'] as const)('%s: isolated, sandboxed, no Node anywhere, no webview', (mode) => {
    const o = windowOptions({ ...base, mode });
    expect(o.webPreferences).toMatchObject({
      preload: '/app/dist/electron/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
    });
    expect(o.show).toBe(false);
  });

  it('desktop: framed, menu, remembered size, autoplay after a user gesture', () => {
    const o = windowOptions({ ...base, mode: 'desktop', saved: { x: 100, y: 80, width: 1400, height: 900, maximized: false } });
    expect(o).toMatchObject({ x: 100, y: 80, width: 1400, height: 900, minWidth: MIN_SIZE.width, minHeight: MIN_SIZE.height, autoHideMenuBar: false });
    expect(o.kiosk).toBeUndefined();
    expect(o.frame).toBeUndefined();
    expect(o.webPreferences?.autoplayPolicy).toBe('document-user-activation-required');
    expect(o.webPreferences?.devTools).toBe(true);
  });

  it('kiosk: fullscreen kiosk, no frame, no menu bar, autoplay allowed, no devtools, ignores saved bounds', () => {
    const o = windowOptions({ ...base, mode: 'kiosk', saved: { x: 100, y: 80, width: 1400, height: 900, maximized: false } });
    expect(o).toMatchObject({ kiosk: true, fullscreen: true, frame: false, autoHideMenuBar: true, backgroundColor: '#000000' });
    expect(o.x).toBeUndefined();
    expect(o.webPreferences).toMatchObject({ autoplayPolicy: 'no-user-gesture-required', devTools: false, backgroundThrottling: false });
  });
});

describe('window placement', () => {
  it('opens a first start at the default size', () => {
    expect(restoreBounds(null, displays)).toEqual(DEFAULT_SIZE);
  });

  it('restores a place on the second screen', () => {
    expect(restoreBounds({ x: 2000, y: 100, width: 1000, height: 700, maximized: false }, displays)).toEqual({ x: 2000, y: 100, width: 1000, height: 700 });
  });

  it('drops a place on a screen that is gone (keeps the size), and clamps to the screen', () => {
    expect(restoreBounds({ x: 5000, y: 100, width: 1000, height: 700, maximized: false }, displays)).toEqual({ width: 1000, height: 700 });
    expect(restoreBounds({ width: 9000, height: 9000, maximized: false }, displays)).toEqual({ width: 1920, height: 1040 });
    expect(restoreBounds({ width: 300, height: 200, maximized: false }, displays)).toEqual({ width: MIN_SIZE.width, height: MIN_SIZE.height });
  });

  it('needs the title area on a screen, not just a corner', () => {
    expect(isVisibleOnSomeDisplay({ x: 1880, y: -40, width: 50, height: 50 }, displays)).toBe(false);
    expect(isVisibleOnSomeDisplay({ x: -500, y: 10, width: 700, height: 400 }, displays)).toBe(true);
  });

  it('remembers integral bounds', () => {
    expect(windowStateOf({ x: 10.4, y: 20.6, width: 1000.2, height: 700.7 }, true)).toEqual({ x: 10, y: 21, width: 1000, height: 701, maximized: true });
  });
});
