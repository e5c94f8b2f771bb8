/** Inline SVG icons (24×24, currentColor): no icon font, nothing fetched, CSP-friendly. */
import type { TerminalType } from '../../../common/protocol/model.ts';

const PATHS = {
  play: 'M8 5.5v13a1 1 0 0 0 1.5.86l10.2-6.5a1 1 0 0 0 0-1.72L9.5 4.64A1 1 0 0 0 8 5.5z',
  pause: 'M7 5h3.5v14H7zM13.5 5H17v14h-3.5z',
  back: 'M15.5 4.5 8 12l7.5 7.5',
  replay10: 'M12 5V2L7 6l5 4V7a6 6 0 1 1-6 6H4a8 8 0 1 0 8-8z M10.2 16.2V11.6l-1.1.5v-.9l1.5-.7h.6v5.7zM13.7 16.3c-1 0-1.6-.9-1.6-2.9s.6-2.9 1.6-2.9 1.6.9 1.6 2.9-.6 2.9-1.6 2.9zm0-.8c.4 0 .6-.6.6-2.1s-.2-2.1-.6-2.1-.6.6-.6 2.1.2 2.1.6 2.1z',
  forward10: 'M12 5V2l5 4-5 4V7a6 6 0 1 0 6 6h2a8 8 0 1 1-8-8z M10.2 16.2V11.6l-1.1.5v-.9l1.5-.7h.6v5.7zM13.7 16.3c-1 0-1.6-.9-1.6-2.9s.6-2.9 1.6-2.9 1.6.9 1.6 2.9-.6 2.9-1.6 2.9zm0-.8c.4 0 .6-.6.6-2.1s-.2-2.1-.6-2.1-.6.6-.6 2.1.2 2.1.6 2.1z',
  volume: 'M4 9.5h3.5L12 5.5v13l-4.5-4H4zM15.5 8.5a5 5 0 0 1 0 7M18 6a8.5 8.5 0 0 1 0 12',
  muted: 'M4 9.5h3.5L12 5.5v13l-4.5-4H4zM16 9.5l5 5M21 9.5l-5 5',
  fullscreen: 'M4 9V4h5M15 4h5v5M20 15v5h-5M9 20H4v-5',
  exitFullscreen: 'M9 4v5H4M20 9h-5V4M15 20v-5h5M4 15h5v5',
  close: 'M6 6l12 12M18 6 6 18',
  lock: 'M7.5 11V8a4.5 4.5 0 0 1 9 0v3M5.5 11h13v9.5h-13zM12 14.5v2.5',
  restart: 'M4.5 12a7.5 7.5 0 1 0 2.2-5.3M4.5 4.5v4h4',
  settings:
    'M12 15.2a3.2 3.2 0 1 0 0-6.4 3.2 3.2 0 0 0 0 6.4zM19.4 13.5l1.6 1.2-1.8 3.1-1.9-.7a7 7 0 0 1-1.9 1.1l-.3 2h-3.6l-.3-2a7 7 0 0 1-1.9-1.1l-1.9.7-1.8-3.1 1.6-1.2a7 7 0 0 1 0-2.9L3.6 9.3l1.8-3.1 1.9.7a7 7 0 0 1 1.9-1.1l.3-2h3.6l.3 2a7 7 0 0 1 1.9 1.1l1.9-.7 1.8 3.1-1.6 1.2a7 7 0 0 1 0 2.9z',
  offline: 'M3 3l18 18M8.5 16.5a5 5 0 0 1 7 0M5 13a10 10 0 0 1 4.2-2.5M19 13a10 10 0 0 0-3-2M2 9.5a14 14 0 0 1 4.4-2.8M22 9.5A14 14 0 0 0 11 5.6M12 20h.01',
  check: 'M5 12.5l4.5 4.5L19 7.5',
  subtitles: 'M3.5 5.5h17v13h-17zM7 14h4M13 14h4M7 10.5h2M11 10.5h6',
  live: 'M12 14a2 2 0 1 0 0-4 2 2 0 0 0 0 4zM7.8 16.2a6 6 0 0 1 0-8.4M16.2 7.8a6 6 0 0 1 0 8.4M5 19a10 10 0 0 1 0-14M19 5a10 10 0 0 1 0 14',
  pc: 'M3.5 5h17v11h-17zM9 20h6M12 16v4',
  mobile: 'M7.5 3h9v18h-9zM11 18h2',
  stb: 'M3 7h18v10H3zM7 17l-1.5 3M17 17l1.5 3M7 12h.01M10 12h.01',
  alert: 'M12 3 2 20h20zM12 10v4.5M12 17.5h.01',
  devices: 'M2.5 5h13v9h-13zM6 18h6M9 14v4M17.5 8h4v12h-4z',
} as const;

/** An icon name. */
export type IconName = keyof typeof PATHS;

/** Icons drawn filled; the rest are strokes. */
const FILLED = new Set<IconName>(['play', 'pause', 'replay10', 'forward10']);

/**
 * A decorative icon (hidden from assistive technology: the control carries the label). Sized
 * in rem (`size` is in px at the base font size), so icons grow with the UI on large screens.
 */
export function Icon({ name, size = 24, className }: { name: IconName; size?: number; className?: string }) {
  const filled = FILLED.has(name);
  const length = `${size / 16}rem`;
  return (
    <svg
      className={className ? `icon ${className}` : 'icon'}
      width={length}
      height={length}
      viewBox="0 0 24 24"
      aria-hidden="true"
      focusable="false"
      fill={filled ? 'currentColor' : 'none'}
      stroke={filled ? 'none' : 'currentColor'}
      strokeWidth={1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      <path d={PATHS[name]} />
    </svg>
  );
}

/** The icon of a terminal type. */
export function TerminalIcon({ type, size = 16 }: { type: TerminalType; size?: number }) {
  return <Icon name={type} size={size} />;
}
