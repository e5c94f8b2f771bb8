/**
 * The one path from a remote key to an action in the 10-foot interface: a single pair of window
 * listeners turns each key event into a `RemoteAction` (keymap.ts, data per platform) and hands
 * it to the screen on top — a stack, so an overlay (a card's options) sees a key before the
 * screen under it. A handler returns true when it used the action; unused actions fall through
 * to the next handler, and OK and the arrows go on to spatial navigation (Norigin) in every case.
 *
 * The listener runs in the capture phase, ahead of Norigin's, so it also gates the repeats of a
 * held arrow for navigation (at most one move per NAV_REPEAT_MS; separate presses always act).
 * Number keys are not actions: they go to a separate stack of digit handlers (the PIN pad).
 * A focused text field (renaming a device) keeps its typing keys: they are no remote actions.
 */
import { useEffect, useRef } from 'react';
import { createRepeatGate, remoteAction, remoteDigit, type RemoteAction } from './keymap.ts';

/** Minimum time between two moves of a held arrow. */
export const NAV_REPEAT_MS = 150;

/** One key event as a screen sees it. */
export interface RemotePress {
  action: RemoteAction;
  /** Key down (with `repeat` while held) or key up. */
  phase: 'down' | 'up';
  repeat: boolean;
}

/** A screen's handler: true when it used the press (the browser's default is then prevented). */
export type RemoteHandler = (press: RemotePress) => boolean;

const handlers: RemoteHandler[] = [];
/** Takes a number key's digit; true when it used it. */
export type DigitHandler = (digit: number) => boolean;
const digitHandlers: DigitHandler[] = [];
let installed = false;
let navigationPaused = false;
const repeatGate = createRepeatGate(NAV_REPEAT_MS);

function isArrow(a: RemoteAction): boolean {
  return a === 'up' || a === 'down' || a === 'left' || a === 'right';
}

/** Dispatch one press to the handlers, topmost first; returns whether one used it. */
export function dispatchRemote(press: RemotePress): boolean {
  for (let i = handlers.length - 1; i >= 0; i--) {
    const h = handlers[i];
    if (h && h(press)) return true;
  }
  return false;
}

/** Keys a focused text field keeps for itself (typing, caret, delete): no remote action. */
const TEXT_FIELD_KEYS = new Set(['Backspace', 'Delete', ' ', 'ArrowLeft', 'ArrowRight', 'Home', 'End']);

/** A text field has focus (the TV's rename field: the platform's own keyboard types into it). */
function inTextField(e: KeyboardEvent): boolean {
  const el = e.target;
  return el instanceof HTMLInputElement && (el.type === 'text' || el.type === 'search');
}

function onKey(e: KeyboardEvent): void {
  const input = { key: e.key, keyCode: e.keyCode, ctrlKey: e.ctrlKey, altKey: e.altKey, metaKey: e.metaKey };
  // In a text field, typing is typing: only OK (Enter), Back (Escape, a remote's Back code)
  // and Up / Down (leave the field) stay remote actions.
  if (inTextField(e) && (TEXT_FIELD_KEYS.has(e.key) || e.key.length === 1)) return;
  const action = remoteAction(input);
  if (!action) {
    const digit = remoteDigit(input);
    if (digit !== null && e.type === 'keydown' && digitHandlers.at(-1)?.(digit)) e.preventDefault();
    return;
  }
  const phase = e.type === 'keyup' ? 'up' : 'down';
  if (phase === 'down' && !navigationPaused && e.repeat && isArrow(action) && !repeatGate.accept(true)) {
    // Too fast for the eye to follow: neither navigation nor a screen sees this repeat.
    e.preventDefault();
    e.stopImmediatePropagation();
    return;
  }
  if (dispatchRemote({ action, phase, repeat: e.repeat })) e.preventDefault();
}

/** Install the listeners (idempotent). */
export function ensureRemote(): void {
  if (installed) return;
  installed = true;
  window.addEventListener('keydown', onKey, true);
  window.addEventListener('keyup', onKey, true);
}

/** Put a handler on top of the stack; returns its removal. */
export function pushRemoteHandler(handler: RemoteHandler): () => void {
  ensureRemote();
  handlers.push(handler);
  return () => {
    const i = handlers.lastIndexOf(handler);
    if (i >= 0) handlers.splice(i, 1);
  };
}

/** While mounted (and `active`), number keys go to `handler` (the topmost such handler only). */
export function useRemoteDigits(handler: DigitHandler, active = true): void {
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    if (!active) return undefined;
    ensureRemote();
    const h: DigitHandler = (d) => latest.current(d);
    digitHandlers.push(h);
    return () => {
      const i = digitHandlers.lastIndexOf(h);
      if (i >= 0) digitHandlers.splice(i, 1);
    };
  }, [active]);
}

/** Spatial navigation is paused (the player drives the arrows): no repeat gating then. */
export function setNavigationPaused(paused: boolean): void {
  navigationPaused = paused;
}

/**
 * A component's handler on the stack while it is mounted (and `active`); always the latest
 * closure, so the handler may read props and state without re-registering.
 */
export function useRemote(handler: RemoteHandler, active = true): void {
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => (active ? pushRemoteHandler((p) => latest.current(p)) : undefined), [active]);
}
