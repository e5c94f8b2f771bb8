/**
 * A focusable button of the 10-foot interface (every screen's: home, card options, settings).
 */
import { useFocusable } from '@noriginmedia/norigin-spatial-navigation';
import { useRef, type ReactNode } from 'react';
import { rememberFocus, revealFocused } from './spatial.ts';

/** How long OK is held for a card's options. */
export const LONG_PRESS_MS = 600;

/**
 * A focusable button of the 10-foot UI: OK (Enter) or a click activates it. Its accessible
 * name is its content (what a sighted user reads is what a screen reader says); `label` only
 * for icon-only buttons.
 */
export function TvButton({
  focusKey,
  label,
  pressed,
  onPress,
  onLongPress,
  className,
  children,
  testId,
  remember = false,
}: {
  focusKey: string;
  label?: string;
  /** A choice among several (settings): announced as pressed or not. */
  pressed?: boolean;
  onPress: () => void;
  /**
   * OK held down (LONG_PRESS_MS): more actions. With it, a short OK acts when released — and
   * only if it was pressed on this button (a key that went down on another screen does not
   * act on its release here).
   */
  onLongPress?: () => void;
  className?: string;
  children: ReactNode;
  testId?: string;
  /** Remember it as home's focused item (cards and tiles). */
  remember?: boolean;
}) {
  const press = useRef<{ at: number; long: boolean } | null>(null);
  const { ref, focused } = useFocusable<object, HTMLButtonElement>({
    focusKey,
    onEnterPress: (_props, details) => {
      const repeat = (details.pressedKeys.enter ?? 1) > 1;
      // A held OK activates a button once (its repeats may arrive after the screen changed).
      if (!onLongPress) return repeat ? undefined : onPress();
      const now = performance.now();
      if (!press.current || !repeat) {
        press.current = { at: now, long: false };
      } else if (!press.current.long && now - press.current.at >= LONG_PRESS_MS) {
        press.current.long = true;
        onLongPress();
      }
    },
    onEnterRelease: () => {
      const p = press.current;
      press.current = null;
      if (onLongPress && p && !p.long) onPress();
    },
    onFocus: () => {
      if (remember) rememberFocus(focusKey);
      revealFocused(ref.current);
    },
  });
  return (
    <button
      ref={ref}
      type="button"
      className={`${className ?? 'tv-btn'}${focused ? ' is-focused' : ''}`}
      aria-label={label}
      aria-pressed={pressed}
      data-focus-key={focusKey}
      data-testid={testId}
      onClick={onPress}
    >
      {children}
    </button>
  );
}

