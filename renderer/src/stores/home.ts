/**
 * Home slice: the home page model from the portal (Continue watching + catalogue), kept live.
 * It is the home document over the catalogue copy this terminal holds (catalogue.ts), which is
 * fetched only when the document names another version.
 * A push from another terminal is applied locally at once (home-merge.ts) and confirmed by a
 * refetch shortly after; a (re)connected push stream refetches whatever it may have missed.
 * The last good page is cached through the bridge, so the app starts offline.
 */
import { Check } from 'typebox/value';
import { createStore } from 'zustand/vanilla';
import { assertNever } from '../../../common/errors.ts';
import type { PlatformBridge } from '../../../common/platform.ts';
import { HomePage, type PushEvent } from '../../../common/protocol/api.ts';
import { DEFAULT_RESUME_RULES, type ResumeRules } from '../../../common/resume.ts';
import { codeOf, type Api, type ClientErrorCode } from '../api/http.ts';
import type { ViewingRecord } from '../../../common/protocol/model.ts';
import { applyHidden, mergeRecord, stopMovesPoint, unconfirmed, withLocalPoints, type HiddenMark, type StopContext } from './home-merge.ts';
import { createCatalogueHolder } from './catalogue.ts';
import { lenient } from '../api/lenient.ts';

/** Cache key of the last good home page. */
export const HOME_CACHE_KEY = 'home';

/** State and actions of the home slice. */
export interface HomeState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  page: HomePage | null;
  /** The page shown is the cached copy (the server could not be reached). */
  cached: boolean;
  error: ClientErrorCode | null;
  /** Removals seen during this run (keeps local merges from bringing a card back). */
  hidden: HiddenMark[];
  /** When the last push event arrived (epoch ms). */
  lastPushAt: number | null;
  /** This terminal's points still in its outbox (see `localRecords`): shown over the server's. */
  local: ViewingRecord[];
  /** Replace the local points (the outbox changed) and show them. */
  setLocal(records: ViewingRecord[]): void;
  /**
   * This terminal's own stops, shown at once and over the server's page until it shows them
   * (global's push and the refetch come a moment later; see `noteOwnStop`).
   */
  own: ViewingRecord[];
  /**
   * This terminal just stopped `record.programId` at `record.breakpoint`: its card shows that
   * point now, not the last heartbeat's, unless the server's rules would keep the old one.
   */
  noteOwnStop(record: ViewingRecord, context: StopContext): void;
  /** Fetch the page (concurrent calls share one request, plus one more if asked meanwhile). */
  load(): Promise<void>;
  /** Apply a server-push event. */
  applyPush(event: PushEvent): void;
  /** Remove a programme from Continue watching; false when the server could not be told. */
  remove(programId: string): Promise<boolean>;
  /** Forget everything (sign out). */
  reset(): void;
}

/** Dependencies of the home slice. */
export interface HomeDeps {
  api: Pick<Api, 'homeDocument' | 'catalogue' | 'hide'>;
  cache: Pick<PlatformBridge, 'cacheGet' | 'cacheSet'>;
  rules?: ResumeRules;
  now?: () => number;
  /** Delay between a push and its confirming refetch (coalesces bursts). */
  refetchDelayMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/** Create the home slice. */
export function createHomeStore(deps: HomeDeps) {
  const rules = deps.rules ?? DEFAULT_RESUME_RULES;
  const now = deps.now ?? Date.now;
  const setTimer = deps.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const clearTimer = deps.clearTimer ?? ((h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>));
  let inflight: Promise<void> | null = null;
  let again = false;
  let refetchTimer: unknown = null;
  let generation = 0;
  const catalogue = createCatalogueHolder({ api: deps.api, cache: deps.cache });

  return createStore<HomeState>()((set, get) => {
    /**
     * A page with this terminal's unsent points and own unconfirmed stops over the server's;
     * the stops the page already shows are forgotten.
     */
    const local = (page: HomePage): HomePage => {
      let own = get().own;
      if (own.length) {
        const still = unconfirmed(page, own, now());
        if (still.length !== own.length) set({ own: still });
        own = still;
      }
      const points = own.length ? [...get().local, ...own] : get().local;
      return points.length ? withLocalPoints(page, points, get().hidden, rules, now()) : page;
    };

    async function fetchOnce(gen: number): Promise<void> {
      if (!get().page) set({ status: 'loading' });
      try {
        const page = await catalogue.homePage();
        if (gen !== generation) return;
        set({ page: local(page), status: 'ready', cached: false, error: null });
        deps.cache.cacheSet(HOME_CACHE_KEY, page).catch(() => undefined);
      } catch (err) {
        if (gen !== generation) return;
        const error = codeOf(err);
        if (get().page) {
          set({ error, cached: error === 'NETWORK_DOWN' || error === 'TIMEOUT' || get().cached });
          return;
        }
        const cachedPage = await deps.cache.cacheGet(HOME_CACHE_KEY).catch(() => null);
        if (gen !== generation) return;
        if (Check(lenient(HomePage), cachedPage)) set({ page: local(cachedPage), status: 'ready', cached: true, error });
        else set({ status: 'error', error });
      }
    }

    const scheduleRefetch = () => {
      if (refetchTimer !== null) clearTimer(refetchTimer);
      refetchTimer = setTimer(() => {
        refetchTimer = null;
        void get().load();
      }, deps.refetchDelayMs ?? 250);
    };

    return {
      status: 'idle',
      page: null,
      cached: false,
      error: null,
      hidden: [],
      lastPushAt: null,
      local: [],
      own: [],

      noteOwnStop(record, context) {
        const page = get().page;
        if (page && !stopMovesPoint(page, record, context, rules)) return;
        const others = get().own.filter((r) => !(r.terminalId === record.terminalId && r.programId === record.programId));
        set({ own: [...others, record] });
        if (page) set({ page: local(page) });
      },

      setLocal(records) {
        set({ local: records });
        const page = get().page;
        if (page && records.length) set({ page: local(page) });
      },

      load() {
        if (inflight) {
          again = true;
          return inflight;
        }
        const gen = generation;
        inflight = (async () => {
          do {
            again = false;
            await fetchOnce(gen);
          } while (again && gen === generation);
        })().finally(() => {
          inflight = null;
        });
        return inflight;
      },

      applyPush(event) {
        const page = get().page;
        switch (event.type) {
          case 'hello':
            return;
          case 'history':
            // An older report of this terminal (delivered after its stop) does not hide the stop.
            if (page) set({ page: local(mergeRecord(page, event.record, get().hidden, rules, now())) });
            set({ lastPushAt: now() });
            scheduleRefetch();
            return;
          case 'hidden': {
            const mark = { programId: event.programId, hiddenAt: event.hiddenAt };
            set({ hidden: [...get().hidden, mark], lastPushAt: now(), ...(page ? { page: applyHidden(page, mark) } : {}) });
            return;
          }
          case 'catalogue':
            set({ lastPushAt: now() });
            scheduleRefetch();
            return;
          case 'presence':
          case 'presence-ended':
          case 'handoff':
          case 'remote':
            // Now playing, handoff and remote control have their own stores (stores/presence.ts, handoff.ts, remote.ts).
            return;
          default:
            assertNever(event, 'push event');
        }
      },

      async remove(programId) {
        const before = get().page;
        const index = before?.continueWatching.findIndex((c) => c.program.id === programId) ?? -1;
        const card = index >= 0 ? before?.continueWatching[index] : undefined;
        if (before && card) set({ page: { ...before, continueWatching: before.continueWatching.filter((c) => c !== card) } });
        try {
          const { hiddenAt } = await deps.api.hide(programId);
          set({ hidden: [...get().hidden, { programId, hiddenAt }] });
          return true;
        } catch {
          // Put the card back where it was, unless a newer page already decided otherwise.
          const current = get().page;
          if (card && current && !current.continueWatching.some((c) => c.program.id === programId)) {
            const row = [...current.continueWatching];
            row.splice(Math.min(index, row.length), 0, card);
            set({ page: { ...current, continueWatching: row } });
          }
          return false;
        }
      },

      reset() {
        generation++;
        catalogue.reset();
        if (refetchTimer !== null) clearTimer(refetchTimer);
        refetchTimer = null;
        set({ status: 'idle', page: null, cached: false, error: null, hidden: [], lastPushAt: null, local: [], own: [] });
      },
    };
  });
}

/** The home store. */
export type HomeStore = ReturnType<typeof createHomeStore>;
