/**
 * Settings → Profiles: the household's people (up to 8) — add, rename, language, PIN set or
 * clear, maturity limit, delete (never the last) — and "shared history". The server refuses a
 * profile under a maturity limit (OWNER_ONLY…): the error is shown, nothing changes.
 */
import { useId, useState, type FormEvent } from 'react';
import { useStore } from 'zustand';
import type { Language } from '../../../common/platform.ts';
import { LANGUAGES } from '../../../common/i18n/index.ts';
import { MAX_PROFILES, type Profile, type UpdateProfileRequest } from '../../../common/protocol/profiles.ts';
import { codeOf, type ClientErrorCode } from '../api/http.ts';
import { errorText } from './Auth.tsx';
import { useRuntime, useT } from './context.tsx';
import { Icon } from './icons.tsx';
import { initial } from './profile-text.ts';

const LIMITS = [0, 6, 12, 16, 18] as const;

/** Create or edit one profile. */
function ProfileForm({ profile, onDone, run }: { profile: Profile | null; onDone: () => void; run: (fn: () => Promise<unknown>) => Promise<boolean> }) {
  const rt = useRuntime();
  const t = useT();
  const ids = { name: useId(), lang: useId(), pin: useId(), limit: useId(), clear: useId() };
  const [name, setName] = useState(profile?.name ?? '');
  const [language, setLanguage] = useState<string>(profile?.language ?? '');
  const [pin, setPin] = useState('');
  const [clearPin, setClearPin] = useState(false);
  const [limit, setLimit] = useState<string>(profile?.maturityLimit === null || profile === null ? '' : String(profile.maturityLimit));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body: UpdateProfileRequest = {
      name: name.trim(),
      language: language === '' ? null : language,
      maturityLimit: limit === '' ? null : Number(limit),
      ...(pin ? { pin } : clearPin ? { pin: null } : {}),
    };
    const ok = await run(() => (profile ? rt.api.updateProfile(profile.id, body) : rt.api.createProfile({ ...body, name: body.name ?? '' })));
    if (ok) onDone();
  };
  return (
    <form className="form" onSubmit={(e) => void submit(e)} data-testid="profile-form">
      <label htmlFor={ids.name}>{t('profiles.name')}</label>
      <input id={ids.name} required maxLength={40} value={name} onChange={(e) => setName(e.target.value)} autoFocus />
      <label htmlFor={ids.lang}>{t('settings.language')}</label>
      <select id={ids.lang} className="select" value={language} onChange={(e) => setLanguage(e.target.value as Language | '')}>
        <option value="">{t('profiles.language.device')}</option>
        {LANGUAGES.map((l) => (
          <option key={l.id} value={l.id} lang={l.id}>
            {l.name}
          </option>
        ))}
      </select>
      <label htmlFor={ids.limit}>{t('profiles.maturity')}</label>
      <select id={ids.limit} className="select" value={limit} onChange={(e) => setLimit(e.target.value)}>
        <option value="">{t('profiles.maturity.none')}</option>
        {LIMITS.map((a) => (
          <option key={a} value={a}>
            {t('profiles.limit', { age: a })}
          </option>
        ))}
      </select>
      <label htmlFor={ids.pin}>{t(profile?.hasPin ? 'profiles.pin.change' : 'profiles.pin.set')}</label>
      <input id={ids.pin} inputMode="numeric" autoComplete="off" pattern="[0-9]{4}" maxLength={4} value={pin} onChange={(e) => setPin(e.target.value.replace(/\D/g, '').slice(0, 4))} />
      {profile?.hasPin && (
        <label className="check" htmlFor={ids.clear}>
          <input id={ids.clear} type="checkbox" checked={clearPin} onChange={(e) => setClearPin(e.target.checked)} /> {t('profiles.pin.clear')}
        </label>
      )}
      <div className="row-actions">
        <button type="submit" className="btn btn-primary btn-sm" disabled={pin.length !== 0 && pin.length !== 4}>
          {t('devices.save')}
        </button>
        <button type="button" className="btn btn-ghost btn-sm" onClick={onDone}>
          {t('settings.cancel')}
        </button>
      </div>
    </form>
  );
}

/** The Profiles section of the settings dialog. */
export function ProfilesSection() {
  const rt = useRuntime();
  const t = useT();
  const headingId = useId();
  const sharedId = useId();
  const profiles = useStore(rt.profiles, (s) => s.profiles);
  const currentId = useStore(rt.profiles, (s) => s.currentId);
  const shared = useStore(rt.profiles, (s) => s.sharedHistory);
  const [editing, setEditing] = useState<string | 'new' | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const [error, setError] = useState<ClientErrorCode | null>(null);
  if (!profiles) return null;

  const run = async (fn: () => Promise<unknown>): Promise<boolean> => {
    setError(null);
    try {
      await fn();
      await rt.profiles.getState().load();
      return true;
    } catch (e) {
      setError(codeOf(e));
      return false;
    }
  };

  return (
    <section className="settings-section" aria-labelledby={headingId} data-testid="profiles">
      <h3 id={headingId}>{t('profiles.title')}</h3>
      {error && (
        <p className="form-error" role="alert">
          <Icon name="alert" size={18} /> {errorText(error, t)}
        </p>
      )}
      <ul className="devices">
        {profiles.map((p) => (
          <li key={p.id} className="device" data-testid="profile-row" data-profile-id={p.id}>
            <span className="who-avatar who-avatar-sm" aria-hidden="true">
              {initial(p.name)}
            </span>
            <div className="device-body">
              <p className="device-name">
                <strong>{p.name}</strong>
                {p.id === currentId && <span className="badge">{t('profiles.current')}</span>}
              </p>
              <p className="muted device-meta">
                {[p.hasPin ? t('profiles.hasPin') : null, p.maturityLimit !== null ? t('profiles.limit', { age: p.maturityLimit }) : null, p.language ? (LANGUAGES.find((l) => l.id === p.language)?.name ?? p.language) : null].filter(Boolean).join(' · ')}
              </p>
              {editing === p.id && <ProfileForm profile={p} run={run} onDone={() => setEditing(null)} />}
              {deleting === p.id && (
                <div className="device-confirm" role="alert">
                  <p>{t('profiles.delete.confirm', { name: p.name })}</p>
                  <div className="row-actions">
                    <button type="button" className="btn btn-danger btn-sm" onClick={() => void run(() => rt.api.deleteProfile(p.id)).then((ok) => ok && setDeleting(null))}>
                      {t('devices.remove.yes')}
                    </button>
                    <button type="button" className="btn btn-ghost btn-sm" onClick={() => setDeleting(null)}>
                      {t('settings.cancel')}
                    </button>
                  </div>
                </div>
              )}
              {editing !== p.id && deleting !== p.id && (
                <div className="row-actions device-actions">
                  <button type="button" className="btn btn-ghost btn-sm" aria-label={t('profiles.edit.label', { name: p.name })} onClick={() => setEditing(p.id)}>
                    {t('profiles.edit')}
                  </button>
                  {profiles.length > 1 && (
                    <button type="button" className="btn btn-ghost btn-sm" aria-label={t('profiles.delete.label', { name: p.name })} onClick={() => setDeleting(p.id)}>
                      {t('devices.remove')}
                    </button>
                  )}
                </div>
              )}
            </div>
          </li>
        ))}
      </ul>
      {editing === 'new' ? (
        <ProfileForm profile={null} run={run} onDone={() => setEditing(null)} />
      ) : (
        profiles.length < MAX_PROFILES && (
          <div className="row-actions">
            <button type="button" className="btn btn-ghost btn-sm" onClick={() => setEditing('new')}>
              {t('profiles.add')}
            </button>
          </div>
        )
      )}
      <label className="check" htmlFor={sharedId}>
        <input id={sharedId} type="checkbox" checked={shared} onChange={(e) => void run(() => rt.api.setSharedHistory(e.target.checked))} /> {t('profiles.shared')}
      </label>
    </section>
  );
}
