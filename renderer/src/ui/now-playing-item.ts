/**
 * One now-playing card's facts: its own file so the card (NowPlaying.tsx) and its remote panel
 * (Remote.tsx) both use it without importing each other (an import cycle otherwise).
 */
import type { Program } from '../../../common/protocol/model.ts';
import type { PresenceSession } from '../../../common/protocol/presence.ts';

/** One now-playing card's facts. */
export interface NowPlayingItem {
  session: PresenceSession;
  /** The programme, when this terminal's catalogue has it (else only its id is known). */
  program: Program | null;
  title: string;
  /** The position now (advanced locally while playing). */
  position: PresenceSession['position'];
  /** "Playing on Living-room TV · 12:34". */
  state: string;
  /** The card's accessible name. */
  label: string;
}

