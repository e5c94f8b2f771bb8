/**
 * Remote-control keys as data (Norigin's lesson: focus logic is tables; hooks are thin).
 * One table per platform family, matched by `KeyboardEvent.key` first and by the legacy
 * `keyCode` second, because TV browsers (Tizen, webOS, HbbTV) still send vendor key codes with
 * an empty or "Unidentified" key name. The set-top UI reads only `remoteAction(event)`.
 */

/** What a remote key means to the 10-foot interface. */
export type RemoteAction =
  | 'up'
  | 'down'
  | 'left'
  | 'right'
  | 'ok'
  | 'back'
  | 'play-pause'
  | 'play'
  | 'pause'
  | 'stop'
  | 'fast-forward'
  | 'rewind'
  /** The remote's Info / Options / context-menu key: more actions for the focused item. */
  | 'menu'
  /** The remote's Audio (language) key: straight to the audio choice. */
  | 'audio'
  /** The remote's Subtitle / CC key: straight to the subtitle choice. */
  | 'subtitles';

/** One platform's keys: names and legacy codes. */
export interface RemoteKeyMap {
  keys: Readonly<Record<string, RemoteAction>>;
  codes: Readonly<Record<number, RemoteAction>>;
}

/** W3C key names (browsers, Android TV, Chromium-based set-top boxes, Electron kiosk). */
const STANDARD: RemoteKeyMap = {
  keys: {
    ArrowUp: 'up',
    ArrowDown: 'down',
    ArrowLeft: 'left',
    ArrowRight: 'right',
    Enter: 'ok',
    ' ': 'ok',
    Select: 'ok',
    Escape: 'back',
    Backspace: 'back',
    BrowserBack: 'back',
    GoBack: 'back',
    MediaPlayPause: 'play-pause',
    MediaPlay: 'play',
    MediaPause: 'pause',
    MediaStop: 'stop',
    MediaFastForward: 'fast-forward',
    MediaRewind: 'rewind',
    MediaTrackNext: 'fast-forward',
    MediaTrackPrevious: 'rewind',
    ContextMenu: 'menu',
    Info: 'menu',
    MediaAudioTrack: 'audio',
    Subtitle: 'subtitles',
    ClosedCaptionToggle: 'subtitles',
  },
  codes: { 37: 'left', 38: 'up', 39: 'right', 40: 'down', 13: 'ok', 27: 'back', 8: 'back', 166: 'back' },
};

/** Samsung Tizen TVs (tizen.tvinputdevice key codes). */
const TIZEN: RemoteKeyMap = {
  keys: {},
  codes: { 10009: 'back', 10252: 'play-pause', 415: 'play', 19: 'pause', 413: 'stop', 417: 'fast-forward', 412: 'rewind', 10135: 'menu', 457: 'menu' },
};

/** LG webOS TVs. */
const WEBOS: RemoteKeyMap = {
  keys: {},
  codes: { 461: 'back', 415: 'play', 19: 'pause', 413: 'stop', 417: 'fast-forward', 412: 'rewind', 457: 'menu' },
};

/** Every table, most specific last: all are consulted, so one build runs on any of them. */
export const REMOTE_KEY_MAPS: readonly RemoteKeyMap[] = [STANDARD, TIZEN, WEBOS];

/** The part of a keyboard event the mapping reads. */
export interface RemoteKeyInput {
  key: string;
  keyCode?: number;
  ctrlKey?: boolean;
  altKey?: boolean;
  metaKey?: boolean;
}

/** The remote action of a key event, or null when it is not a remote key. */
export function remoteAction(e: RemoteKeyInput, maps: readonly RemoteKeyMap[] = REMOTE_KEY_MAPS): RemoteAction | null {
  if (e.ctrlKey || e.altKey || e.metaKey) return null;
  for (const m of maps) {
    const byKey = m.keys[e.key];
    if (byKey) return byKey;
  }
  if (e.keyCode !== undefined) {
    for (const m of maps) {
      const byCode = m.codes[e.keyCode];
      if (byCode) return byCode;
    }
  }
  return null;
}

/**
 * The digit of a number key (0–9: the remote's number pad, a keyboard's top row or numpad;
 * Tizen and webOS send the same legacy codes 48–57), or null. Digits are not actions: only a
 * screen that takes numbers (the PIN pad) listens for them (remote.ts `useRemoteDigits`).
 */
export function remoteDigit(e: RemoteKeyInput): number | null {
  if (e.ctrlKey || e.altKey || e.metaKey) return null;
  if (/^[0-9]$/.test(e.key)) return Number(e.key);
  const c = e.keyCode;
  if (c !== undefined && (e.key === '' || e.key === 'Unidentified')) {
    if (c >= 48 && c <= 57) return c - 48;
    if (c >= 96 && c <= 105) return c - 96;
  }
  return null;
}

/** Key names to hand to Norigin's `setKeyMap` (directions and OK, names and codes). */
export function noriginKeyMap(maps: readonly RemoteKeyMap[] = REMOTE_KEY_MAPS): Record<'left' | 'right' | 'up' | 'down' | 'enter', (string | number)[]> {
  const out = { left: [] as (string | number)[], right: [] as (string | number)[], up: [] as (string | number)[], down: [] as (string | number)[], enter: [] as (string | number)[] };
  for (const m of maps) {
    for (const [k, a] of [...Object.entries(m.keys), ...Object.entries(m.codes).map(([c, a]) => [Number(c), a] as const)]) {
      const slot = a === 'ok' ? 'enter' : a === 'left' || a === 'right' || a === 'up' || a === 'down' ? a : null;
      if (slot && !out[slot].includes(k)) out[slot].push(k);
    }
  }
  return out;
}

/**
 * Key-repeat gate: a held key repeats 20–30 times a second on most remotes; let the first
 * press through at once and then at most one repeat per `intervalMs`.
 */
export function createRepeatGate(intervalMs: number, now: () => number = () => performance.now()) {
  let last = -Infinity;
  return {
    /** True when this press (or repeat) should act. */
    accept(repeat: boolean): boolean {
      const t = now();
      if (!repeat || t - last >= intervalMs) {
        last = t;
        return true;
      }
      return false;
    },
  };
}

/**
 * Seek step of a held left/right key: ±10 s for a press, growing while it is held so a long
 * programme can be crossed without a hundred presses.
 */
export function seekStepSeconds(heldMs: number): number {
  if (heldMs < 1_000) return 10;
  if (heldMs < 2_500) return 20;
  if (heldMs < 5_000) return 30;
  return 60;
}
