/**
 * Where a viewing starts, decided from the home page on screen: "Resume" takes the card's
 * record (the newest point across the user's terminals), an "other device" entry takes that
 * terminal's point, "Start over" takes none. Every terminal type resumes the same way, from the
 * same home model (docs/ARCHITECTURE.md §5: clients that ignore the resume point).
 */
import type { HomePage } from '../../../common/protocol/api.ts';
import type { Breakpoint, Program } from '../../../common/protocol/model.ts';
import type { StartIntent } from '../route.ts';

/** The decided start. */
export interface ResumePoint {
  program: Program | null;
  breakpoint: Breakpoint | null;
  /** The terminal the point was left on, when another terminal than this one. */
  fromTerminal: string | null;
}

/** The start of `programId` for `intent`, given the home page (null page: from the start). */
export function resumePointFor(page: HomePage | null, programId: string, intent: StartIntent): ResumePoint {
  const card = page?.continueWatching.find((c) => c.program.id === programId);
  const program = card?.program ?? page?.catalogue.find((p) => p.id === programId) ?? null;
  const self = page?.terminal.id ?? null;
  const label = (terminalId: string, name: string) => (terminalId === self ? null : name);
  if (intent.kind === 'over' || !card) return { program, breakpoint: null, fromTerminal: null };
  if (intent.kind === 'terminal') {
    const other = card.others.find((o) => o.terminalId === intent.terminalId);
    if (other) return { program, breakpoint: other.breakpoint, fromTerminal: label(other.terminalId, other.terminalName) };
  }
  return { program, breakpoint: card.record.breakpoint, fromTerminal: label(card.record.terminalId, card.record.terminalName) };
}
