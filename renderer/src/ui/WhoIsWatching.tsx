/**
 * "Who's watching?" (desktop and phone): a grid of the household's profiles over home. A
 * profile with a PIN asks for its 4 digits; a wrong PIN and too many tries are explained. The
 * choice is remembered per terminal by the server; the header's profile button opens this again.
 */
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useStore } from 'zustand';
import type { Profile } from '../../../common/protocol/profiles.ts';
import { useRuntime, useT } from './context.tsx';
import { Icon } from './icons.tsx';
import { initial, pinErrorText } from './profile-text.ts';

/** The picker dialog. */
export function WhoIsWatching() {
  const rt = useRuntime();
  const t = useT();
  const profiles = useStore(rt.profiles, (s) => s.profiles);
  const currentId = useStore(rt.profiles, (s) => s.currentId);
  const busy = useStore(rt.profiles, (s) => s.busy);
  const error = useStore(rt.profiles, (s) => s.error);
  const errorDetail = useStore(rt.profiles, (s) => s.errorDetail);
  const [asking, setAsking] = useState<Profile | null>(null);
  const [pin, setPin] = useState('');
  const headingRef = useRef<HTMLHeadingElement>(null);
  const pinId = useId();

  useEffect(() => {
    headingRef.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') rt.profiles.getState().close();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [rt]);

  const pick = (p: Profile) => {
    rt.profiles.getState().clearError();
    if (p.hasPin) {
      setAsking(p);
      setPin('');
      return;
    }
    void rt.profiles.getState().choose(p.id);
  };
  const submitPin = async (e: FormEvent) => {
    e.preventDefault();
    if (!asking || !/^\d{4}$/.test(pin)) return;
    if (!(await rt.profiles.getState().choose(asking.id, pin))) setPin('');
  };

  return (
    <div className="dialog-backdrop">
      <section className="dialog who" role="dialog" aria-modal="true" aria-labelledby="who-title" data-testid="who-is-watching">
        <div className="dialog-head">
          <h2 id="who-title" ref={headingRef} tabIndex={-1}>
            {t('profiles.who')}
          </h2>
          {currentId && (
            <button type="button" className="icon-btn" aria-label={t('settings.close')} onClick={() => rt.profiles.getState().close()}>
              <Icon name="close" />
            </button>
          )}
        </div>
        {!asking && (
          <ul className="who-grid">
            {(profiles ?? []).map((p) => (
              <li key={p.id}>
                <button type="button" className="who-profile" data-testid="profile" data-profile-id={p.id} aria-current={p.id === currentId ? 'true' : undefined} disabled={busy} onClick={() => pick(p)}>
                  <span className="who-avatar" aria-hidden="true">
                    {initial(p.name)}
                  </span>
                  <span className="who-name">{p.name}</span>
                  {p.hasPin && <span className="sr-only">{t('profiles.locked')}</span>}
                  {p.maturityLimit !== null && <span className="muted who-limit">{t('profiles.limit', { age: p.maturityLimit })}</span>}
                </button>
              </li>
            ))}
          </ul>
        )}
        {!asking && error && (
          <p className="form-error" role="alert">
            <Icon name="alert" size={18} /> {pinErrorText(error, errorDetail, t)}
          </p>
        )}
        {asking && (
          <form className="form" onSubmit={(e) => void submitPin(e)} data-testid="pin-form">
            <p>{t('profiles.pin.lead', { name: asking.name })}</p>
            <label htmlFor={pinId}>{t('profiles.pin')}</label>
            <input
              id={pinId}
              className="pin-input"
              inputMode="numeric"
              autoComplete="off"
              pattern="[0-9]{4}"
              maxLength={4}
              required
              autoFocus
              value={pin}
              onChange={(e) => setPin(e.target.value.replace(/\D/g, '').slice(0, 4))}
            />
            {error && (
              <p className="form-error" role="alert">
                <Icon name="alert" size={18} /> {pinErrorText(error, errorDetail, t)}
              </p>
            )}
            <div className="row-actions">
              <button type="submit" className="btn btn-primary" disabled={busy || pin.length !== 4}>
                {t('profiles.pin.submit')}
              </button>
              <button type="button" className="btn btn-ghost" onClick={() => setAsking(null)}>
                {t('profiles.back')}
              </button>
            </div>
          </form>
        )}
      </section>
    </div>
  );
}

/** The header's "who is watching" button: the current profile; opens the picker. */
export function ProfileButton() {
  const rt = useRuntime();
  const t = useT();
  const profile = useStore(rt.profiles, (s) => s.profiles?.find((p) => p.id === s.currentId) ?? null);
  const count = useStore(rt.profiles, (s) => s.profiles?.length ?? 0);
  if (!profile || count < 2) return null;
  return (
    <button type="button" className="profile-btn" data-testid="profile-button" title={t('profiles.switch')} onClick={() => rt.profiles.getState().open()}>
      <span className="who-avatar who-avatar-sm" aria-hidden="true">
        {initial(profile.name)}
      </span>
      <span className="profile-btn-name">{profile.name}</span>
      <span className="sr-only"> {t('profiles.switch')}</span>
    </button>
  );
}
