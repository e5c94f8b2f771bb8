/**
 * Set-top (kiosk) mode: the bits that are policy rather than wiring.
 *
 * - Started by `--kiosk` or the stored launch setting; the renderer then gets
 *   `launchMode: 'tv'` and the TV interface for the session.
 * - The cursor is hidden with injected CSS (a remote control has no pointer).
 * - Leaving needs a deliberate chord, Ctrl+Alt+Shift+Q, which no remote control can send;
 *   it turns the window back into a normal desktop window (with its menu), from where the
 *   app can be quit. Escape, F11 and the like do nothing (kiosk is not HTML fullscreen).
 */

/** CSS that hides the pointer everywhere. */
export const KIOSK_CSS = '*, *::before, *::after { cursor: none !important; }';

/** The chord that leaves kiosk mode, as shown in README and the log. */
export const KIOSK_EXIT_CHORD = 'Ctrl+Alt+Shift+Q';

/** A key event as Electron's `before-input-event` reports it (the fields we read). */
export interface KeyInput {
  type: string;
  key: string;
  control: boolean;
  alt: boolean;
  shift: boolean;
  meta: boolean;
}

/** True for the key-down of the exit chord. */
export function isKioskExitChord(input: KeyInput): boolean {
  return input.type === 'keyDown' && input.key.toLowerCase() === 'q' && input.control && input.alt && input.shift && !input.meta;
}

/**
 * Keys swallowed in kiosk mode before the page sees them: browser shortcuts that would reload
 * or zoom the page under a viewer (there is no menu, but Chromium still handles a few).
 */
export function isBlockedInKiosk(input: KeyInput): boolean {
  if (input.type !== 'keyDown') return false;
  const key = input.key.toLowerCase();
  if (key === 'f5' || key === 'f11' || key === 'f12') return true;
  if (input.control && (key === 'r' || key === 'w' || key === '+' || key === '-' || key === '=' || key === '0')) return !input.alt;
  return false;
}

/** Where a run starts: the flag wins, then the stored setting. */
export function kioskAtLaunch(flag: boolean, stored: boolean): boolean {
  return flag || stored;
}
