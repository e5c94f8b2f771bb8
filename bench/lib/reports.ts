/**
 * Report bodies for ingest load: one cluster report per request (`POST /global/v1/history`),
 * each with a fresh report id, a seeded terminal, a programme that terminal may play, a moved
 * position and a sequence number above anything stored — so each is a real write, not a
 * replay. Deterministic per generator.
 */
import type { Program, TerminalType } from '../../common/protocol/model.ts';
import { benchCatalog } from './catalog.ts';
import { mulberry32, randInt } from './random.ts';

/** Makes request bodies; `sent` counts the reports in them. */
export interface ReportGenerator {
  /** A body with one report. */
  next(): string;
  /** A body with `n` reports (as a cluster's outbox sends them). */
  batch(n: number): string;
  readonly sent: number;
  /** Report-id prefix of this generator (to count its rows in the store). */
  readonly prefix: string;
}

/** Seqs start far above the seeded ones (≤ 1000), and rise across every generator of a run. */
let seqBase = 1_000_000_000;

/** A generator over the given terminals (ids and types). */
export function reportGenerator(tag: string, terminals: readonly { id: string; type: TerminalType }[]): ReportGenerator {
  const catalog = benchCatalog().filter((p) => p.kind === 'vod');
  const playable = new Map<TerminalType, Program[]>(
    (['stb', 'mobile', 'pc'] as const).map((t) => [t, catalog.filter((p) => p.terminalTypes.includes(t))]),
  );
  const rand = mulberry32(tag.length * 7919 + terminals.length);
  const prefix = `bench-${tag}-${process.pid}-`;
  let sent = 0;
  // Plain closures, not methods: callers pass `gen.next` around unbound.
  const batch = (n: number): string => {
    const now = Date.now();
    const reports = Array.from({ length: n }, () => {
      const t = terminals[randInt(rand, terminals.length)] as { id: string; type: TerminalType };
      const list = playable.get(t.type) as Program[];
      const p = list[randInt(rand, list.length)] as Program;
      sent++;
      return {
        reportId: `${prefix}${sent}`,
        terminalId: t.id,
        programId: p.id,
        breakpoint: { kind: 'offset', offsetMs: Math.floor(p.durationMs * (0.1 + rand() * 0.75)) },
        seq: ++seqBase,
        event: 'stop',
        observedAt: now,
      };
    });
    return JSON.stringify({ sentAt: now, reports });
  };
  return {
    prefix,
    get sent() {
      return sent;
    },
    next: () => batch(1),
    batch,
  };
}
