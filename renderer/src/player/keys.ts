/**
 * Player keys of the desktop interface, as data (Norigin's lesson: focus and key logic are
 * tables, the React hook is a thin wrapper). The 10-foot interface reads remote keys from
 * tv/keymap.ts instead (names and vendor key codes of TV platforms).
 */

/** What a key can do in the player. */
export type PlayerAction =
  | 'toggle-play'
  | 'seek-back'
  | 'seek-forward'
  | 'volume-up'
  | 'volume-down'
  | 'toggle-mute'
  | 'toggle-fullscreen'
  | 'go-live'
  | 'exit';

/** Seconds a seek key moves. */
export const SEEK_STEP_S = 10;
/** Volume change of one volume key. */
export const VOLUME_STEP = 0.1;

/** `KeyboardEvent.key` → action, for the desktop (mouse and keyboard) interface. */
export const DESKTOP_KEYS: Readonly<Record<string, PlayerAction>> = {
  ' ': 'toggle-play',
  k: 'toggle-play',
  K: 'toggle-play',
  MediaPlayPause: 'toggle-play',
  ArrowLeft: 'seek-back',
  j: 'seek-back',
  J: 'seek-back',
  MediaRewind: 'seek-back',
  ArrowRight: 'seek-forward',
  l: 'seek-forward',
  L: 'seek-forward',
  MediaFastForward: 'seek-forward',
  ArrowUp: 'volume-up',
  ArrowDown: 'volume-down',
  m: 'toggle-mute',
  M: 'toggle-mute',
  f: 'toggle-fullscreen',
  F: 'toggle-fullscreen',
  Escape: 'exit',
  BrowserBack: 'exit',
};

/**
 * Keys a focused control handles natively, so the player must leave them alone: a focused
 * button activates on Space/Enter, a slider moves on arrows, a text field takes everything.
 */
const NATIVE: Readonly<Record<'button' | 'range' | 'text', readonly string[] | 'all'>> = {
  button: [' ', 'Enter'],
  range: ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End', 'PageUp', 'PageDown'],
  text: 'all',
};

/** The part of a keyboard event the mapping looks at. */
export interface KeyInput {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  /** What has focus: a button, a slider, a text field, or anything else. */
  focus?: 'button' | 'range' | 'text' | 'other';
}

/** The action of a key press, or null when the key is not the player's to handle. */
export function actionForKey(input: KeyInput, map: Readonly<Record<string, PlayerAction>> = DESKTOP_KEYS): PlayerAction | null {
  if (input.ctrlKey || input.metaKey || input.altKey) return null;
  const focus = input.focus ?? 'other';
  if (focus !== 'other') {
    const native = NATIVE[focus];
    if (native === 'all' || native.includes(input.key)) return null;
  }
  return map[input.key] ?? null;
}

/** Classify the focused element for `actionForKey`. */
export function focusKind(el: Element | null): KeyInput['focus'] {
  if (!el) return 'other';
  const tag = el.tagName;
  if (tag === 'BUTTON' || tag === 'SUMMARY' || tag === 'A') return 'button';
  if (tag === 'INPUT') return (el as HTMLInputElement).type === 'range' ? 'range' : 'text';
  if (tag === 'TEXTAREA' || tag === 'SELECT' || (el as HTMLElement).isContentEditable) return 'text';
  return 'other';
}
