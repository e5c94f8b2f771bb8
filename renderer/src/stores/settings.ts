/**
 * Settings slice: the user's settings (through the bridge) and what follows from them — the
 * interface language (setting, else the platform's preference) and the UI mode (desktop, or
 * the 10-foot `tv` mode: chosen by this setting, else the page's `?mode=tv`, else the platform's
 * launch — the PC app's `--kiosk`).
 */
import { createStore } from 'zustand/vanilla';
import type { Language, PlatformBridge, PlatformInfo, Settings, UiMode } from '../../../common/platform.ts';
import { DEFAULT_SETTINGS } from '../../../common/platform.ts';
import { pickLanguage } from '../../../common/i18n/index.ts';

/** State and actions of the settings slice. */
export interface SettingsState {
  /** The stored settings. */
  settings: Settings;
  /** Facts about the platform (null before init). */
  info: PlatformInfo | null;
  /** The language the platform prefers ("Automatic"). */
  platformLanguage: Language;
  /** The language in use. */
  language: Language;
  /** The interface mode in use. */
  mode: UiMode;
  /** Take the platform's facts and the stored settings. */
  init(info: PlatformInfo, settings: Settings): void;
  /** The watching profile's language (BCP-47), applied when this device chose none ("Automatic"). */
  profileLanguage: string | null;
  /** The watching profile changed (its language, or null). */
  setProfileLanguage(language: string | null): void;
  /** Choose a language; null = follow the platform. */
  setLanguage(language: Language | null): Promise<void>;
  /** Remember whether playback starts muted. */
  setMuted(muted: boolean): Promise<void>;
  /** Choose the interface; null = the platform's launch mode. */
  setMode(mode: UiMode | null): Promise<void>;
}

/** Dependencies of the settings slice. */
export interface SettingsDeps {
  bridge: Pick<PlatformBridge, 'saveSettings'>;
}

const derive = (settings: Settings, info: PlatformInfo | null, profileLanguage: string | null) => {
  const platformLanguage = pickLanguage(info?.languages ?? []);
  return {
    platformLanguage,
    // This device's explicit choice, else the watching profile's language, else the platform's.
    language: settings.language ?? (profileLanguage ? pickLanguage([profileLanguage]) : platformLanguage),
    mode: settings.mode ?? info?.launchMode ?? 'desktop',
  };
};

/** Create the settings slice. */
export function createSettingsStore(deps: SettingsDeps) {
  return createStore<SettingsState>()((set, get) => ({
    settings: DEFAULT_SETTINGS,
    info: null,
    profileLanguage: null,
    ...derive(DEFAULT_SETTINGS, null, null),
    init(info, settings) {
      set({ info, settings, ...derive(settings, info, get().profileLanguage) });
    },
    async setLanguage(language) {
      // Apply at once; the write follows (a failed write only loses the choice on restart).
      const optimistic = { ...get().settings, language };
      set({ settings: optimistic, ...derive(optimistic, get().info, get().profileLanguage) });
      const settings = await deps.bridge.saveSettings({ language });
      set({ settings, ...derive(settings, get().info, get().profileLanguage) });
    },
    async setMode(mode) {
      const optimistic = { ...get().settings, mode };
      set({ settings: optimistic, ...derive(optimistic, get().info, get().profileLanguage) });
      const settings = await deps.bridge.saveSettings({ mode });
      set({ settings, ...derive(settings, get().info, get().profileLanguage) });
    },
    setProfileLanguage(profileLanguage) {
      set({ profileLanguage, ...derive(get().settings, get().info, profileLanguage) });
    },
    async setMuted(muted) {
      set({ settings: { ...get().settings, muted } });
      const settings = await deps.bridge.saveSettings({ muted });
      set({ settings });
    },
  }));
}

/** The settings store. */
export type SettingsStore = ReturnType<typeof createSettingsStore>;
