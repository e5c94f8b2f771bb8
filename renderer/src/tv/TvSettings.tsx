/**
 * Settings of the 10-foot interface, a full screen of large buttons moved through with the
 * D-pad: who is watching (switch profile), language, start muted, the interface (back to the desktop one), this TV's facts, the
 * household's devices (TvDevices.tsx: remove by remote), and
 * "Unlink this TV" (asks again when reports are still waiting to be sent). Back returns home.
 */
import { FocusContext, setFocus, useFocusable } from '@noriginmedia/norigin-spatial-navigation';
import { useEffect } from 'react';
import { useStore } from 'zustand';
import type { Language } from '../../../common/platform.ts';
import { LANGUAGES } from '../../../common/i18n/index.ts';
import { useRuntime, useT } from '../ui/context.tsx';
import { Icon } from '../ui/icons.tsx';
import { TerminalFacts } from '../ui/Settings.tsx';
import { OfflineBanner } from '../ui/Status.tsx';
import { goHome } from '../ui/navigation.ts';
import { useSignOut } from '../ui/useSignOut.ts';
import { TvButton } from './TvButton.tsx';
import { TvDevices } from './TvDevices.tsx';
import { TvProfileButton } from './TvWhoIsWatching.tsx';

/** Who is watching here, and switching (only when the household has a choice). */
function TvSettingsProfile() {
  const rt = useRuntime();
  const t = useT();
  const count = useStore(rt.profiles, (s) => s.profiles?.length ?? 0);
  if (count < 2) return null;
  return (
    <section className="tv-settings-group" aria-label={t('profiles.title')}>
      <h2>{t('profiles.title')}</h2>
      <div className="tv-choices">
        <TvProfileButton focusKey="tv-settings-profile" withLabel />
      </div>
    </section>
  );
}

/** The 10-foot settings screen. */
export function TvSettings() {
  const rt = useRuntime();
  const t = useT();
  const settings = useStore(rt.settings, (s) => s.settings);
  const platformLanguage = useStore(rt.settings, (s) => s.platformLanguage);
  const { confirming, pending, signOut } = useSignOut();
  const { ref, focusKey } = useFocusable<object, HTMLDivElement>({ focusKey: 'tv-settings-screen', trackChildren: true, isFocusBoundary: true });

  useEffect(() => {
    setFocus(`lang:${settings.language ?? 'auto'}`);
    // Focus once, on arrival.
  }, []);

  const setLanguage = (language: Language | null) => void rt.settings.getState().setLanguage(language);
  const unlink = async () => {
    if ((await signOut()) === 'confirm') setFocus('tv-unlink');
  };
  const autoName = LANGUAGES.find((l) => l.id === platformLanguage)?.name ?? platformLanguage;
  const choice = (key: string, selected: boolean, label: string, onPress: () => void) => (
    <TvButton focusKey={key} className={`tv-btn tv-choice${selected ? ' is-selected' : ''}`} pressed={selected} onPress={onPress}>
      {selected && <Icon name="check" size={28} />}
      <span>{label}</span>
    </TvButton>
  );

  return (
    <FocusContext.Provider value={focusKey}>
      <div ref={ref} className="tv-settings" data-testid="tv-settings">
        <h1 className="tv-settings-title">{t('settings.title')}</h1>
        <OfflineBanner />

        <TvSettingsProfile />

        <section className="tv-settings-group" aria-label={t('settings.language')}>
          <h2>{t('settings.language')}</h2>
          <div className="tv-choices">
            {choice('lang:auto', settings.language === null, t('settings.language.auto', { language: autoName }), () => setLanguage(null))}
            {LANGUAGES.map((l) => choice(`lang:${l.id}`, settings.language === l.id, l.name, () => setLanguage(l.id)))}
          </div>
        </section>

        <section className="tv-settings-group" aria-label={t('tv.settings.playback')}>
          <h2>{t('tv.settings.playback')}</h2>
          <div className="tv-choices">
            {choice('muted:off', !settings.muted, t('tv.settings.sound'), () => void rt.settings.getState().setMuted(false))}
            {choice('muted:on', settings.muted, t('tv.settings.muted'), () => void rt.settings.getState().setMuted(true))}
          </div>
        </section>

        <section className="tv-settings-group" aria-label={t('settings.interface')}>
          <h2>{t('settings.interface')}</h2>
          <div className="tv-choices">
            {choice('mode:tv', true, t('settings.interface.tv'), () => undefined)}
            {choice('mode:desktop', false, t('settings.interface.desktop'), () => void rt.settings.getState().setMode('desktop'))}
          </div>
        </section>

        <TerminalFacts className="tv-facts" iconSize={28} />

        <TvDevices />

        {confirming && (
          <p className="tv-callout" role="alert">
            {t('settings.signOut.pending', { count: pending })}
          </p>
        )}
        <div className="tv-choices">
          <TvButton focusKey="tv-unlink" className="tv-btn tv-btn-danger" onPress={() => void unlink()}>
            {t(confirming ? 'tv.settings.unlinkConfirm' : 'tv.settings.unlink')}
          </TvButton>
          <TvButton focusKey="tv-settings-back" className="tv-btn" onPress={() => goHome()}>
            <Icon name="back" size={28} /> {t('player.home')}
          </TvButton>
        </div>
        <p className="tv-hints" aria-hidden="true">
          {t('tv.hints.settings')}
        </p>
      </div>
    </FocusContext.Provider>
  );
}
