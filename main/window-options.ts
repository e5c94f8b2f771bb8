/**
 * BrowserWindow options per launch mode, and where the window goes.
 *
 * Both modes share the secure web preferences (Electron's security checklist): context
 * isolation, the sandbox, no Node in any frame, no <webview>, web security on. Desktop: a normal
 * framed window at the remembered size and place (only if that place is still on a screen).
 * Kiosk (set-top mode): fullscreen kiosk without frame or menu, black background, autoplay
 * allowed (a remote control has no "click to play"), no devtools.
 *
 * Types only from Electron (erased at build), so this module runs in unit tests.
 */
import type { BrowserWindowConstructorOptions, Rectangle } from 'electron';
import type { WindowState } from './store-schema.ts';

/** How this run shows itself. */
export type WindowMode = 'desktop' | 'kiosk';

/** The default size of a first start. */
export const DEFAULT_SIZE = { width: 1280, height: 800 } as const;
/** The smallest useful window. */
export const MIN_SIZE = { width: 800, height: 500 } as const;

/** A display, as far as placement goes. */
export interface DisplayArea {
  workArea: Rectangle;
}

/** What the options depend on. */
export interface WindowInputs {
  mode: WindowMode;
  /** The remembered place, if any. */
  saved: WindowState | null;
  /** The screens now (screen.getAllDisplays()). */
  displays: readonly DisplayArea[];
  /** dist/electron/preload.cjs. */
  preloadPath: string;
  /** The window icon (Linux; Windows/macOS take it from the package). */
  iconPath?: string;
  title?: string;
}

/** True when a meaningful part (100×50 px of the title area) of `r` lies on some display. */
export function isVisibleOnSomeDisplay(r: Rectangle, displays: readonly DisplayArea[]): boolean {
  return displays.some(({ workArea: a }) => {
    const overlapX = Math.min(r.x + r.width, a.x + a.width) - Math.max(r.x, a.x);
    const overlapY = Math.min(r.y + 50, a.y + a.height) - Math.max(r.y, a.y);
    return overlapX >= 100 && overlapY >= 50;
  });
}

/** The bounds to open with: the saved ones when still visible, else centred default size. */
export function restoreBounds(saved: WindowState | null, displays: readonly DisplayArea[]): Partial<Rectangle> & { width: number; height: number } {
  const primary = displays[0]?.workArea;
  const fit = (w: number, h: number) => ({
    width: Math.max(MIN_SIZE.width, primary ? Math.min(w, primary.width) : w),
    height: Math.max(MIN_SIZE.height, primary ? Math.min(h, primary.height) : h),
  });
  if (!saved) return fit(DEFAULT_SIZE.width, DEFAULT_SIZE.height);
  const size = fit(saved.width, saved.height);
  if (saved.x === undefined || saved.y === undefined) return size;
  const placed = { x: saved.x, y: saved.y, ...size };
  return isVisibleOnSomeDisplay(placed, displays) ? placed : size;
}

/** The options of the one app window. */
export function windowOptions(input: WindowInputs): BrowserWindowConstructorOptions {
  const webPreferences: BrowserWindowConstructorOptions['webPreferences'] = {
    preload: input.preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webviewTag: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
    autoplayPolicy: input.mode === 'kiosk' ? 'no-user-gesture-required' : 'document-user-activation-required',
    devTools: input.mode !== 'kiosk',
    backgroundThrottling: input.mode !== 'kiosk',
  };
  const common: BrowserWindowConstructorOptions = {
    title: input.title ?? 'Resume Anywhere',
    show: false,
    webPreferences,
    ...(input.iconPath ? { icon: input.iconPath } : {}),
  };
  if (input.mode === 'kiosk') {
    return { ...common, kiosk: true, fullscreen: true, frame: false, autoHideMenuBar: true, backgroundColor: '#000000' };
  }
  return {
    ...common,
    ...restoreBounds(input.saved, input.displays),
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    backgroundColor: '#101418',
    autoHideMenuBar: false,
  };
}

/** What to remember about a window (desktop mode only; a kiosk window is always fullscreen). */
export function windowStateOf(bounds: Rectangle, maximized: boolean): WindowState {
  return {
    x: Math.round(bounds.x),
    y: Math.round(bounds.y),
    width: Math.max(200, Math.round(bounds.width)),
    height: Math.max(150, Math.round(bounds.height)),
    maximized,
  };
}
