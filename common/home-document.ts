/**
 * The home document (`GET /portal/v2/home`) is the home page model without the catalogue and
 * without what a terminal holding the catalogue can work out itself (protocol/api.ts,
 * HomeCard). `compactHome` is the portal's half, `expandHome` the terminal's: expanding a
 * compacted page over the same catalogue gives the page back (home-document.test.ts), so the
 * UI keeps working on `HomePage`. Why compact at all: 30 cards of a user with 10 terminals
 * were 27 KB as `ContinueItem`s, most of it repeated names, ids and derivable numbers
 * (docs/BENCHMARKS.md, home page).
 */
import type { ContinueItem, HomeCard, HomeDocument, HomePage, HomeTerminal } from './protocol/api.ts';
import type { Program, ViewingRecord } from './protocol/model.ts';
import { percentOf } from './resume.ts';

/** What a page's progress entry for a card is when it only repeats the card's own point. */
function cardProgress(item: ContinueItem): HomePage['progress'][number] {
  return { programId: item.program.id, status: 'in-progress', percent: item.percent };
}

/**
 * The page's per-profile part as a home document (the catalogue named by `catalogue`); every
 * card must be `userId`'s. Records of this server always name their profile, so one without is
 * not told apart from one of the document's profile.
 */
export function compactHome(page: Omit<HomePage, 'catalogue'>, userId: string, catalogue: HomeDocument['catalogue']): HomeDocument {
  const terminals: HomeTerminal[] = [];
  const index = new Map<string, number>();
  const ref = (id: string, name: string, type: HomeTerminal['type']) => {
    let i = index.get(id);
    if (i === undefined) {
      i = terminals.push({ id, name, type }) - 1;
      index.set(id, i);
    }
    return i;
  };
  const onRow = new Map<string, ContinueItem>();
  const continueWatching: HomeCard[] = page.continueWatching.map((item) => {
    const r = item.record;
    if (r.userId !== userId) throw new Error(`compactHome: a card of another user (${r.userId})`);
    onRow.set(item.program.id, item);
    return {
      programId: item.program.id,
      terminal: ref(r.terminalId, r.terminalName, r.terminalType),
      breakpoint: r.breakpoint,
      progressAt: r.progressAt,
      durationMs: r.durationMs,
      seq: r.seq,
      updatedAt: r.updatedAt,
      ...(r.playToken !== undefined ? { playToken: r.playToken } : {}),
      ...(r.tracks !== undefined ? { tracks: r.tracks } : {}),
      ...(r.profileId !== undefined && r.profileId !== page.profile?.id ? { profileId: r.profileId } : {}),
      others: item.others.map((o) => ({ terminal: ref(o.terminalId, o.terminalName, o.terminalType), breakpoint: o.breakpoint, progressAt: o.progressAt })),
    };
  });
  const progress = page.progress.filter((p) => {
    const item = onRow.get(p.programId);
    if (!item) return true;
    const own = cardProgress(item);
    return p.status !== own.status || p.percent !== own.percent;
  });
  return {
    terminal: page.terminal,
    userId,
    terminals,
    continueWatching,
    progress,
    catalogue,
    generatedAt: page.generatedAt,
    portalId: page.portalId,
    ...(page.profile ? { profile: page.profile } : {}),
  };
}

/** Why a document cannot be expanded over a catalogue (the terminal refetches the catalogue). */
export class StaleCatalogueError extends Error {}

/**
 * The home page of a document over the catalogue it names. Throws StaleCatalogueError when a
 * card's programme is not in `programs` (a catalogue other than the one the document names)
 * or a card names a terminal the document does not list.
 */
export function expandHome(doc: HomeDocument, programs: readonly Program[]): HomePage {
  const byId = new Map(programs.map((p) => [p.id, p]));
  const terminalAt = (i: number) => {
    const t = doc.terminals[i];
    if (!t) throw new StaleCatalogueError(`home document: no terminal #${i}`);
    return t;
  };
  const have = new Set(doc.progress.map((p) => p.programId));
  const derived: HomePage['progress'] = [];
  const continueWatching: ContinueItem[] = doc.continueWatching.map((card) => {
    const program = byId.get(card.programId);
    if (!program) throw new StaleCatalogueError(`home document: programme ${card.programId} is not in the catalogue`);
    const t = terminalAt(card.terminal);
    const profileId = card.profileId ?? doc.profile?.id;
    const record: ViewingRecord = {
      userId: doc.userId,
      terminalId: t.id,
      terminalName: t.name,
      terminalType: t.type,
      programId: card.programId,
      breakpoint: card.breakpoint,
      durationMs: card.durationMs,
      seq: card.seq,
      progressAt: card.progressAt,
      updatedAt: card.updatedAt,
      status: 'in-progress',
      ...(card.playToken !== undefined ? { playToken: card.playToken } : {}),
      ...(card.tracks !== undefined ? { tracks: card.tracks } : {}),
      ...(profileId !== undefined ? { profileId } : {}),
    };
    const others: ContinueItem['others'] = card.others.map((o) => {
      const ot = terminalAt(o.terminal);
      return { terminalId: ot.id, terminalName: ot.name, terminalType: ot.type, breakpoint: o.breakpoint, progressAt: o.progressAt, percent: percentOf(o.breakpoint, program.durationMs) };
    });
    const percent = percentOf(card.breakpoint, program.durationMs);
    const remainingMs = card.breakpoint.kind === 'offset' ? Math.max(0, program.durationMs - card.breakpoint.offsetMs) : 0;
    const item: ContinueItem = { program, record, percent, remainingMs, others };
    if (!have.has(card.programId)) derived.push(cardProgress(item));
    return item;
  });
  return {
    terminal: doc.terminal,
    continueWatching,
    catalogue: programs as Program[],
    progress: [...doc.progress, ...derived],
    generatedAt: doc.generatedAt,
    portalId: doc.portalId,
    ...(doc.profile ? { profile: doc.profile } : {}),
  };
}
