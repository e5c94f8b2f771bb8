/**
 * The viewing journal: the last position known only to this device. While heartbeats fail
 * (offline), each one leaves its report here, so a terminal that crashes or is killed offline
 * — without a `pagehide` to queue its stop — still delivers its last point: at the next start
 * the journal's report goes into the outbox as a stop. A heartbeat that got through, a stop,
 * or a report queued in the outbox clears it (the server or the outbox has newer news).
 */
import { Check } from 'typebox/value';
import type { PlatformBridge } from '../../../common/platform.ts';
import { TerminalReport } from '../../../common/protocol/api.ts';
import type { ReportQueue } from '../outbox.ts';

/** Cache key of the journal. */
export const JOURNAL_KEY = 'viewing-journal';

/** Write access the reporter gets. */
export interface Journal {
  /** Remember `report` as the last unsent point (replaces any earlier one). */
  save(report: TerminalReport): void;
  /** Nothing is unsent any more. */
  clear(): void;
}

/** A journal over the bridge's cache (writes are fire-and-forget: losing one costs one interval). */
export function createJournal(cache: Pick<PlatformBridge, 'cacheSet'>): Journal {
  let saved = false;
  return {
    save(report) {
      saved = true;
      cache.cacheSet(JOURNAL_KEY, { ...report, event: 'stop' }).catch(() => undefined);
    },
    clear() {
      if (!saved) return;
      saved = false;
      cache.cacheSet(JOURNAL_KEY, null).catch(() => undefined);
    },
  };
}

/** At start: move a journal left by a previous run into the outbox. True when there was one. */
export async function recoverJournal(cache: Pick<PlatformBridge, 'cacheGet' | 'cacheSet'>, queue: Pick<ReportQueue, 'enqueue'>): Promise<boolean> {
  const report = await cache.cacheGet(JOURNAL_KEY);
  if (report === null || report === undefined) return false;
  if (Check(TerminalReport, report)) await queue.enqueue(report);
  await cache.cacheSet(JOURNAL_KEY, null);
  return Check(TerminalReport, report);
}
