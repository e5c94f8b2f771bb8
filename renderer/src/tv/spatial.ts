/**
 * Spatial navigation of the 10-foot interface: Norigin's service (a maintained library — no
 * hand-written geometry here), started once with the remote key tables of keymap.ts, and the
 * memory of which card had focus so coming back to home puts focus where it was.
 *
 * Norigin moves real DOM focus (`shouldFocusDOMNode`) so screen readers and `:focus` agree
 * with what the ring shows; it does not scroll (`preventScroll`): rows scroll the focused
 * card into view themselves (see `revealFocused`). A held arrow repeats 20–30 times a second
 * on most remotes: its repeats are let through at most every NAV_REPEAT_MS (remote.ts, a gate
 * ahead of Norigin, in the capture phase), while separate presses always act — Norigin's own
 * `throttle` would drop a quick second press too.
 */
import { GetBoundingClientRectAdapter, init, pause, resume, setKeyMap } from '@noriginmedia/norigin-spatial-navigation';
import { noriginKeyMap } from './keymap.ts';
import { ensureRemote, setNavigationPaused } from './remote.ts';

let started = false;

/** Start the spatial navigation service (idempotent; call before the first focusable renders). */
export function ensureSpatialNavigation(): void {
  if (started) return;
  started = true;
  init({
    debug: false,
    visualDebug: false,
    // Measure what is on screen (rows scroll sideways; a focused card is scaled up).
    layoutAdapter: GetBoundingClientRectAdapter,
    shouldFocusDOMNode: true,
    domNodeFocusOptions: { preventScroll: true },
  });
  setKeyMap(noriginKeyMap());
  // The remote's single listener (remote.ts) runs ahead of Norigin's and gates held arrows.
  ensureRemote();
}

/** Stop arrow navigation while a screen drives the keys itself (the player). */
export function suspendNavigation(): () => void {
  pause();
  setNavigationPaused(true);
  return () => {
    setNavigationPaused(false);
    resume();
  };
}

let lastFocusKey: string | null = null;

/** Remember the focused item of home (a card or a tile). */
export function rememberFocus(focusKey: string): void {
  lastFocusKey = focusKey;
}

/** The item to focus when home appears again. */
export function rememberedFocus(): string | null {
  return lastFocusKey;
}

/**
 * Scroll a focused element into view inside its row and the page (smooth unless reduced
 * motion). In the top row (`data-scroll-top`) the page goes back to its top, so the header
 * and the overscan margin show again.
 */
export function revealFocused(node: HTMLElement | null): void {
  if (!node) return;
  const reduce = typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
  const behavior: ScrollBehavior = reduce ? 'auto' : 'smooth';
  node.scrollIntoView({ block: 'nearest', inline: 'nearest', behavior });
  if (node.closest('[data-scroll-top]')) window.scrollTo({ top: 0, behavior });
}
