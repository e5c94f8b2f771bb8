/**
 * Hash routes (the server serves only `/`, so the path never changes):
 *   #/                      home
 *   #/watch/<programId>     play: resume the newest point of the row (or from the start)
 *       ?start=over         … from the beginning / the live edge
 *       ?from=<terminalId>  … from that terminal's point (the card's "other devices")
 *       ?handoff=<session>  … take over that household session ("Continue here", stores/handoff.ts)
 *       ?remote=<command>   … at the start global sent with a card's "Play on ▸" (stores/remote.ts)
 *   #/settings              settings over home
 *   #/link                  link a TV by the code it shows (RFC 8628)
 *       ?code=XXXX-XXXX     … prefilled (the TV's QR code opens this)
 * And page options in the query string, before the hash: `?type=pc|mobile|stb` (terminal
 * type proposed when naming this terminal), `?mode=tv` (the set-top interface, a later issue).
 */
import { assertNever } from '../../common/errors.ts';
import type { UiMode } from '../../common/platform.ts';
import type { TerminalType } from '../../common/protocol/model.ts';
import { codeLetters, formatCode } from './user-code.ts';

/** Where a viewing starts. */
export type StartIntent = { kind: 'resume' } | { kind: 'over' } | { kind: 'terminal'; terminalId: string } | { kind: 'handoff'; sessionId: string }
  /** A card's "Play on ▸" from another terminal: the start its `play-program` command carried. */
  | { kind: 'remote'; commandId: string };

/** A screen of the app. */
export type Route =
  | { name: 'home' }
  | { name: 'settings' }
  | { name: 'watch'; programId: string; start: StartIntent }
  /** `code`: letters of the URL's code (at most 8) as `XXXX-XXXX`; null when absent or junk. */
  | { name: 'link'; code: string | null };

/** The route of a location hash; unknown hashes are home. */
export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const [path = '', query = ''] = raw.split('?', 2);
  const params = new URLSearchParams(query);
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'settings') return { name: 'settings' };
  if (parts[0] === 'link') {
    const letters = codeLetters(params.get('code') ?? '');
    return { name: 'link', code: letters ? formatCode(letters) : null };
  }
  if (parts[0] === 'watch' && parts[1] && /^[a-z0-9][a-z0-9_-]{0,63}$/.test(parts[1])) {
    const from = params.get('from');
    const handoff = params.get('handoff');
    const remote = params.get('remote');
    const id = (v: string | null): v is string => v !== null && /^[A-Za-z0-9_-]{8,64}$/.test(v);
    const start: StartIntent =
      params.get('start') === 'over'
        ? { kind: 'over' }
        : id(handoff)
          ? { kind: 'handoff', sessionId: handoff }
          : id(remote)
            ? { kind: 'remote', commandId: remote }
            : id(from)
              ? { kind: 'terminal', terminalId: from }
              : { kind: 'resume' };
    return { name: 'watch', programId: parts[1], start };
  }
  return { name: 'home' };
}

/** The hash of a route. */
export function hrefOf(route: Route): string {
  switch (route.name) {
    case 'home':
      return '#/';
    case 'settings':
      return '#/settings';
    case 'link':
      return route.code ? `#/link?code=${encodeURIComponent(route.code)}` : '#/link';
    case 'watch': {
      const base = `#/watch/${route.programId}`;
      const s = route.start;
      if (s.kind === 'over') return `${base}?start=over`;
      if (s.kind === 'terminal') return `${base}?from=${encodeURIComponent(s.terminalId)}`;
      if (s.kind === 'handoff') return `${base}?handoff=${encodeURIComponent(s.sessionId)}`;
      if (s.kind === 'remote') return `${base}?remote=${encodeURIComponent(s.commandId)}`;
      return base;
    }
    default:
      return assertNever(route, 'route');
  }
}

/** Options in the page's query string. */
export interface PageOptions {
  type: TerminalType | null;
  mode: UiMode | null;
}

/** Read `?type=` and `?mode=` (anything else is ignored). */
export function pageOptions(search: string): PageOptions {
  const p = new URLSearchParams(search);
  const type = p.get('type');
  const mode = p.get('mode');
  return {
    type: type === 'pc' || type === 'mobile' || type === 'stb' ? type : null,
    mode: mode === 'tv' || mode === 'desktop' ? mode : null,
  };
}

/**
 * The identity of a player screen: one per programme, and a fresh one (a new <video>) for each
 * handoff or card's Play on, so a take-back never reuses the element of the viewing it replaces.
 */
export function playerKey(programId: string, start: StartIntent): string {
  if (start.kind === 'remote') return `${programId}:${start.commandId}`;
  return start.kind === 'handoff' ? `${programId}:${start.sessionId}` : programId;
}
