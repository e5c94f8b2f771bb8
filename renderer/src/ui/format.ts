/** Display helpers shared by the views (breakpoints for people). */
import type { Language } from '../../../common/platform.ts';
import type { Breakpoint } from '../../../common/protocol/model.ts';
import { formatClock, formatWallclock } from '../i18n/index.ts';

/** A breakpoint as people read it: `1:02` (VOD) or the broadcast's time of day (live). */
export function describeBreakpoint(bp: Breakpoint, lang: Language): string {
  return bp.kind === 'offset' ? formatClock(bp.offsetMs / 1000) : formatWallclock(bp.epochMs, lang);
}

/** Data attributes naming a breakpoint exactly (for tests and debugging). */
export function breakpointData(bp: Breakpoint): Record<string, string> {
  return bp.kind === 'offset' ? { 'data-offset-ms': String(bp.offsetMs) } : { 'data-epoch-ms': String(bp.epochMs) };
}

/** URL of a programme's artwork. */
export function artworkUrl(baseUrl: string, artwork: string): string {
  return /^https?:\/\//.test(artwork) ? artwork : `${baseUrl}/artwork/${artwork.replace(/^\/+/, '')}`;
}
