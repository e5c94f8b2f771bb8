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
import { GetBoundingClientRectAdapter, init, pause, resume, setKeyMap, type FocusableComponent } from '@noriginmedia/norigin-spatial-navigation';
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

/**
 * Left/right inside a one-line row by DOM order (Norigin's `nextFocusResolver`, with the row's
 * `measureChildrenLayout: false`): the next `<li>`'s card, without measuring every card's
 * rectangle on each press — 200 `getBoundingClientRect`s a press on a 200-programme row cost a
 * set-top box ~100 ms+ at 6× CPU (benchmark 9). Up/down, and past either end, resolve to null:
 * Norigin then navigates from the row among the rows, as before.
 */
export function rowNeighbour(direction: string, focusKey: string, siblings: FocusableComponent[]): FocusableComponent | null {
  if (direction !== 'left' && direction !== 'right') return null;
  const byNode = new Map<Element, FocusableComponent>();
  let current: FocusableComponent | undefined;
  for (const s of siblings) {
    if (s.node) byNode.set(s.node, s);
    if (s.focusKey === focusKey) current = s;
  }
  let li: Element | null = current?.node?.closest('li') ?? null;
  for (;;) {
    li = (direction === 'right' ? li?.nextElementSibling : li?.previousElementSibling) ?? null;
    if (!li) return null;
    const card = li.querySelector('[data-focus-key]');
    const next = card ? byNode.get(card) : undefined;
    if (next) return next;
  }
}
