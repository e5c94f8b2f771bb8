/** Test-only builders and fakes shared by the renderer's unit tests (never imported by the app). */
import type { OutboxEntry } from '../../../common/outbox.ts';
import { DEFAULT_SETTINGS, type PlatformBridge, type Settings, type TerminalIdentityRecord } from '../../../common/platform.ts';
import type { ContinueItem, HomePage } from '../../../common/protocol/api.ts';
import type { Breakpoint, Program, ViewingRecord } from '../../../common/protocol/model.ts';
import { compactHome } from '../../../common/home-document.ts';
import type { CatalogueAnswer } from '../api/http.ts';

export const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);

/** A VOD programme of `minutes`. */
export function vod(id: string, minutes = 10, terminalTypes: Program['terminalTypes'] = ['stb', 'mobile', 'pc']): Program {
  return {
    id,
    title: id.replace(/-/g, ' '),
    titles: { 'zh-CN': `节目${id}` },
    synopsis: `${id} synopsis`,
    durationMs: minutes * 60_000,
    kind: 'vod',
    terminalTypes,
    artwork: `${id}/poster.jpg`,
    links: [{ dash: `${id}/manifest.mpd` }],
  };
}

/** A live channel. */
export function liveChannel(id = 'live-news'): Program {
  return { ...vod(id, 2), kind: 'live', timeshiftWindowSec: 1800, links: [{ dash: `${id}/live.mpd` }] };
}

/** A viewing record. */
export function record(programId: string, breakpoint: Breakpoint, over: Partial<ViewingRecord> = {}): ViewingRecord {
  return {
    userId: 'user-00000001',
    terminalId: 'term-aaaaaaaa',
    terminalName: 'Study PC',
    terminalType: 'pc',
    programId,
    breakpoint,
    durationMs: 600_000,
    seq: 1,
    progressAt: NOW - 60_000,
    updatedAt: NOW - 60_000,
    status: 'in-progress',
    ...over,
  };
}

/** A card of the row. */
export function item(program: Program, rec: ViewingRecord, others: ContinueItem['others'] = []): ContinueItem {
  const pct = rec.breakpoint.kind === 'offset' ? Math.round((rec.breakpoint.offsetMs / program.durationMs) * 1000) / 10 : 0;
  const remainingMs = rec.breakpoint.kind === 'offset' ? program.durationMs - rec.breakpoint.offsetMs : 0;
  return { program, record: rec, percent: pct, remainingMs, others };
}

/** A home page of terminal `term-self0001` (pc). */
export function homePage(continueWatching: ContinueItem[] = [], catalogue: Program[] = [vod('harbour-lights'), vod('dumpling-workshop', 6)]): HomePage {
  return {
    terminal: { id: 'term-self0001', name: 'This PC', type: 'pc', createdAt: NOW - 86_400_000, lastSeenAt: null },
    continueWatching,
    catalogue,
    progress: [],
    generatedAt: NOW,
    portalId: 'P1',
  };
}

/** An in-memory Web Storage. */
export class MemoryStorage implements Storage {
  readonly #map = new Map<string, string>();
  get length(): number {
    return this.#map.size;
  }
  clear(): void {
    this.#map.clear();
  }
  getItem(key: string): string | null {
    return this.#map.get(key) ?? null;
  }
  key(index: number): string | null {
    return [...this.#map.keys()][index] ?? null;
  }
  removeItem(key: string): void {
    this.#map.delete(key);
  }
  setItem(key: string, value: string): void {
    this.#map.set(key, String(value));
  }
}

/** An in-memory PlatformBridge (identity, settings, outbox, cache, sequence). */
export function memoryBridge(identity: TerminalIdentityRecord | null = null): PlatformBridge & { outbox: Map<number, OutboxEntry<unknown>>; cache: Map<string, unknown> } {
  let id = identity;
  let settings: Settings = { ...DEFAULT_SETTINGS };
  let seq = 0;
  const outbox = new Map<number, OutboxEntry<unknown>>();
  const cache = new Map<string, unknown>();
  return {
    outbox,
    cache,
    info: async () => ({ kind: 'web', launchMode: 'desktop', languages: ['en-GB'], appVersion: 'test', defaultServerUrl: 'http://localhost' }),
    loadIdentity: async () => id,
    saveIdentity: async (next) => {
      id = next;
    },
    loadSettings: async () => settings,
    saveSettings: async (patch) => (settings = { ...settings, ...patch }),
    outboxLoad: async () => [...outbox.values()].map((e) => structuredClone(e)),
    outboxAppend: async (_name, entry) => {
      outbox.set(entry.seq, structuredClone(entry));
    },
    outboxRemove: async (_name, seqs) => {
      for (const s of seqs) outbox.delete(s);
    },
    cacheGet: async (key) => cache.get(key) ?? null,
    cacheSet: async (key, value) => {
      if (value === null) cache.delete(key);
      else cache.set(key, structuredClone(value));
    },
    nextSeq: async (atLeast = 0) => (seq = Math.max(seq, atLeast) + 1),
    onLifecycle: () => () => undefined,
  };
}

/** Let pending promise callbacks run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setTimeout(r, 0));
}

/** A stand-in version of a catalogue (the server's is a SHA-256 of its JSON). */
export function fakeCatalogueVersion(programs: readonly Program[]): string {
  let h = 2166136261;
  for (const ch of JSON.stringify(programs)) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return `c1-test-${h.toString(36)}`;
}

/**
 * The portal's two home routes over pages the test hands out: `homeDocument` compacts the next
 * page (common/home-document.ts, as the portal does), `catalogue` serves that page's catalogue
 * in pages of `pageSize`, with an entity tag and 304 on revalidation. `calls` counts both.
 */
export function fakeHomeRoutes(next: () => Promise<HomePage>, pageSize = 1000) {
  let current: readonly Program[] = [];
  const calls = { homeDocument: 0, catalogue: [] as { offset: number; etag: string | null }[] };
  return {
    calls,
    async homeDocument() {
      calls.homeDocument++;
      const page = await next();
      current = page.catalogue;
      const userId = page.continueWatching[0]?.record.userId ?? 'user-00000001';
      return compactHome(page, userId, { version: fakeCatalogueVersion(current), total: current.length });
    },
    async catalogue(offset: number, etag?: string | null): Promise<CatalogueAnswer> {
      calls.catalogue.push({ offset, etag: etag ?? null });
      const version = fakeCatalogueVersion(current);
      const tag = `"${version}.${offset}"`;
      if (etag === tag) return { notModified: true };
      return { notModified: false, page: { version, total: current.length, offset, programs: current.slice(offset, offset + pageSize) }, etag: tag };
    },
  };
}
