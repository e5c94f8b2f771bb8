/**
 * Profiles slice ("Who's watching?"): the household's profiles, this terminal's current one
 * (remembered per terminal by the server), and whether the picker is shown. The picker opens
 * once a terminal is ready when the household has more than one profile or this terminal has
 * none chosen; choosing (with the PIN when the profile has one) tells the server, then
 * `onChanged` reloads what depends on the profile (home, the interface language).
 */
import { createStore } from 'zustand/vanilla';
import type { Profile } from '../../../common/protocol/profiles.ts';
import { ApiError, codeOf, type Api, type ClientErrorCode } from '../api/http.ts';

/** The detail of a PIN refusal (PIN_WRONG: `attemptsLeft`; PIN_LOCKED: `retryAfterSec`). */
export interface PinErrorDetail {
  attemptsLeft?: number;
  retryAfterSec?: number;
}

/** The numeric fields of an error's details that explain a PIN refusal. */
function pinDetail(e: unknown): PinErrorDetail | null {
  const d = e instanceof ApiError ? (e.details as Record<string, unknown> | null | undefined) : null;
  if (!d || typeof d !== 'object') return null;
  const out: PinErrorDetail = {};
  if (typeof d.attemptsLeft === 'number') out.attemptsLeft = d.attemptsLeft;
  if (typeof d.retryAfterSec === 'number') out.retryAfterSec = d.retryAfterSec;
  return Object.keys(out).length > 0 ? out : null;
}

/** State and actions of the profiles slice. */
export interface ProfilesState {
  profiles: Profile[] | null;
  currentId: string | null;
  sharedHistory: boolean;
  /** The picker is shown. */
  picking: boolean;
  busy: boolean;
  /** The last failure (PIN_WRONG, RATE_LIMITED …), for the picker to explain. */
  error: ClientErrorCode | null;
  /** What the server said with it: tries left before a lock, or the lock's wait. */
  errorDetail: PinErrorDetail | null;
  /** Read the profiles; `ask` opens the picker when the household needs a choice. */
  load(ask?: boolean): Promise<void>;
  /** Choose who is watching; true on success. */
  choose(profileId: string, pin?: string): Promise<boolean>;
  /** Open the picker (switch profile). */
  open(): void;
  /** Close the picker without choosing (only when a profile is current). */
  close(): void;
  clearError(): void;
  /** Forget everything (sign-out). */
  reset(): void;
}

/** Dependencies of the profiles slice. */
export interface ProfilesDeps {
  api: Pick<Api, 'profiles' | 'selectProfile'>;
  /** The watching profile changed (or was first learned). */
  onChanged: (profile: Profile | null) => void;
}

/** The current profile of a state. */
export function currentProfile(s: Pick<ProfilesState, 'profiles' | 'currentId'>): Profile | null {
  return s.profiles?.find((p) => p.id === s.currentId) ?? null;
}

/** Create the profiles slice. */
export function createProfilesStore(deps: ProfilesDeps) {
  return createStore<ProfilesState>()((set, get) => ({
    profiles: null,
    currentId: null,
    sharedHistory: false,
    picking: false,
    busy: false,
    error: null,
    errorDetail: null,

    async load(ask = false) {
      try {
        const list = await deps.api.profiles();
        const before = get().currentId;
        set({ profiles: list.profiles, currentId: list.currentProfileId, sharedHistory: list.sharedHistory });
        if (ask && (list.profiles.length > 1 || list.currentProfileId === null)) set({ picking: true });
        if (before !== list.currentProfileId || ask) deps.onChanged(currentProfile(get()));
      } catch {
        // Offline or an older server: the terminal works on with the profile the server keeps.
      }
    },

    async choose(profileId, pin) {
      set({ busy: true, error: null, errorDetail: null });
      try {
        const profile = await deps.api.selectProfile(profileId, pin);
        const profiles = (get().profiles ?? []).map((p) => (p.id === profile.id ? profile : p));
        set({ profiles, currentId: profile.id, picking: false });
        deps.onChanged(profile);
        return true;
      } catch (e) {
        set({ error: codeOf(e), errorDetail: pinDetail(e) });
        return false;
      } finally {
        set({ busy: false });
      }
    },

    open() {
      set({ picking: true, error: null, errorDetail: null });
      void get().load();
    },
    close() {
      if (get().currentId) set({ picking: false, error: null, errorDetail: null });
    },
    clearError() {
      set({ error: null, errorDetail: null });
    },
    reset() {
      set({ profiles: null, currentId: null, sharedHistory: false, picking: false, busy: false, error: null, errorDetail: null });
    },
  }));
}

/** The profiles store. */
export type ProfilesStore = ReturnType<typeof createProfilesStore>;
