/**
 * "Who's watching?" on the 10-foot interface, by remote only: the household's profiles as a
 * row of large buttons (◀ ▶, OK chooses); a profile with a PIN opens the on-screen PIN pad
 * (TvPinPad.tsx). Shown at start when the household has two or more profiles (profiles.ts asks
 * for it); the choice is remembered per terminal by the server. Back closes it when a profile
 * is already chosen (switching from home or settings), and otherwise does nothing: someone has
 * to be chosen. `TvProfileButton` (home's top bar, settings) opens it again.
 */
import { FocusContext, setFocus, useFocusable } from '@noriginmedia/norigin-spatial-navigation';
import { useEffect, useId, useState } from 'react';
import { useStore } from 'zustand';
import type { Profile } from '../../../common/protocol/profiles.ts';
import { useRuntime, useT } from '../ui/context.tsx';
import { Icon } from '../ui/icons.tsx';
import { initial, pinErrorText } from '../ui/profile-text.ts';
import { useRemote } from './remote.ts';
import { TvButton } from './TvButton.tsx';
import { TvPinPad } from './TvPinPad.tsx';

const profileKey = (id: string) => `who:${id}`;

/** The full-screen picker. */
export function TvWhoIsWatching() {
  const rt = useRuntime();
  const t = useT();
  const titleId = useId();
  const profiles = useStore(rt.profiles, (s) => s.profiles) ?? [];
  const currentId = useStore(rt.profiles, (s) => s.currentId);
  const busy = useStore(rt.profiles, (s) => s.busy);
  const error = useStore(rt.profiles, (s) => s.error);
  const errorDetail = useStore(rt.profiles, (s) => s.errorDetail);
  const [asking, setAsking] = useState<Profile | null>(null);
  const { ref, focusKey } = useFocusable<object, HTMLElement>({ focusKey: 'tv-who', isFocusBoundary: true, trackChildren: true });
  const firstId = profiles[0]?.id ?? null;

  // On arrival (and back from the pad): focus the current profile, else the first.
  useEffect(() => {
    if (asking) return;
    const id = (currentId && profiles.some((p) => p.id === currentId) ? currentId : firstId) ?? null;
    if (id) setFocus(profileKey(id));
    // Only when the list first arrives or the pad closes (not on every change of the list).
  }, [asking, firstId]);

  useRemote(({ action, phase }) => {
    if (action !== 'back') return false;
    if (phase === 'down' && currentId) rt.profiles.getState().close();
    return true;
  });

  const pick = (p: Profile) => {
    rt.profiles.getState().clearError();
    if (p.hasPin) setAsking(p);
    else void rt.profiles.getState().choose(p.id);
  };
  const closePad = () => {
    rt.profiles.getState().clearError();
    const was = asking;
    setAsking(null);
    if (was) setTimeout(() => setFocus(profileKey(was.id)), 0);
  };
  const explained = error ? pinErrorText(error, errorDetail, t) : null;

  return (
    <section ref={ref} className="tv-who" role="dialog" aria-modal="true" aria-labelledby={titleId} data-testid="tv-who">
      <h1 id={titleId} className="tv-who-title">
        {t('profiles.who')}
      </h1>
      {asking ? (
        <TvPinPad key={asking.id} name={asking.name} busy={busy} error={explained} onSubmit={(pin) => rt.profiles.getState().choose(asking.id, pin)} onCancel={closePad} />
      ) : (
        <>
          <FocusContext.Provider value={focusKey}>
            <ul className="tv-who-row">
              {profiles.map((p) => (
                <li key={p.id}>
                  <TvButton focusKey={profileKey(p.id)} className="tv-btn tv-who-profile" testId="tv-profile" pressed={p.id === currentId} onPress={() => pick(p)}>
                    <span className="who-avatar tv-who-avatar" aria-hidden="true">
                      {initial(p.name)}
                    </span>
                    <span className="tv-who-name">{p.name}</span>
                    {p.hasPin && (
                      <span className="tv-who-meta">
                        <Icon name="lock" size={22} /> <span className="sr-only">{t('profiles.locked')}</span>
                      </span>
                    )}
                    {p.maturityLimit !== null && <span className="tv-who-meta">{t('profiles.limit', { age: p.maturityLimit })}</span>}
                  </TvButton>
                </li>
              ))}
            </ul>
          </FocusContext.Provider>
          {explained && (
            <p className="tv-callout" role="alert">
              <Icon name="alert" size={24} /> {explained}
            </p>
          )}
          <p className="tv-hints" aria-hidden="true">
            {t(currentId ? 'tv.hints.whoClose' : 'tv.hints.who')}
          </p>
        </>
      )}
    </section>
  );
}

/** Who is watching, as a button that opens the picker (only when there is a choice). */
export function TvProfileButton({ focusKey, withLabel = false }: { focusKey: string; withLabel?: boolean }) {
  const rt = useRuntime();
  const t = useT();
  const profile = useStore(rt.profiles, (s) => s.profiles?.find((p) => p.id === s.currentId) ?? null);
  const count = useStore(rt.profiles, (s) => s.profiles?.length ?? 0);
  if (!profile || count < 2) return null;
  return (
    <TvButton focusKey={focusKey} className="tv-btn tv-profile-btn" testId="tv-profile-button" onPress={() => rt.profiles.getState().open()}>
      <span className="who-avatar who-avatar-sm" aria-hidden="true">
        {initial(profile.name)}
      </span>
      <span>{withLabel ? t('profiles.watching', { name: profile.name }) : profile.name}</span>
      {withLabel ? <span className="tv-profile-switch">· {t('profiles.switchTo')}</span> : <span className="sr-only"> {t('profiles.switch')}</span>}
    </TvButton>
  );
}
