/**
 * Settings, as a dialog over home: language (automatic or chosen), the interface (desktop or
 * the 10-foot TV one), this terminal (name, type, account, server), the household's profiles (ProfilesSection.tsx), devices
 * (Devices.tsx), the account (AccountSection.tsx), people (PeopleSection.tsx: the owner adds accounts), sign out — which warns when reports are still
 * waiting to be sent.
 */
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { Language, UiMode } from '../../../common/platform.ts';
import { LANGUAGES } from '../../../common/i18n/index.ts';
import { useRuntime, useT } from './context.tsx';
import { Icon, TerminalIcon } from './icons.tsx';
import { LibrarySettings } from './LibrarySettings.tsx';
import { goHome } from './navigation.ts';
import { useSignOut } from './useSignOut.ts';
import { AccountSection } from './AccountSection.tsx';
import { DevicesSection } from './Devices.tsx';
import { PeopleSection } from './PeopleSection.tsx';
import { ProfilesSection } from './ProfilesSection.tsx';

/** This terminal's facts: name, type, account, server, version (desktop and TV settings). */
export function TerminalFacts({ className, iconSize = 16 }: { className: string; iconSize?: number }) {
  const rt = useRuntime();
  const t = useT();
  const info = useStore(rt.settings, (s) => s.info);
  const identity = useStore(rt.session, (s) => s.identity);
  if (!identity) return null;
  const facts: [string, ReactNode][] = [
    [t('settings.deviceName'), identity.terminalName],
    [
      t('settings.deviceType'),
      <>
        <TerminalIcon type={identity.terminalType} size={iconSize} /> {t('type', { type: identity.terminalType })}
      </>,
    ],
    [t('settings.account'), identity.login],
    [t('settings.server'), rt.baseUrl() || window.location.origin],
    [t('settings.version'), info?.appVersion],
  ];
  return (
    <dl className={className}>
      {facts.map(([term, value]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The settings dialog. */
export function Settings() {
  const rt = useRuntime();
  const t = useT();
  const settings = useStore(rt.settings, (s) => s.settings);
  const platformLanguage = useStore(rt.settings, (s) => s.platformLanguage);
  const info = useStore(rt.settings, (s) => s.info);
  const { confirming, pending, signOut, cancel } = useSignOut();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const langId = useId();
  const modeId = useId();

  useEffect(() => {
    headingRef.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') goHome();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const autoName = LANGUAGES.find((l) => l.id === platformLanguage)?.name ?? platformLanguage;
  return (
    <div className="dialog-backdrop" onClick={(e) => e.target === e.currentTarget && goHome()}>
      <section className="dialog" role="dialog" aria-modal="true" aria-labelledby="settings-title">
        <div className="dialog-head">
          <h2 id="settings-title" ref={headingRef} tabIndex={-1}>
            {t('settings.title')}
          </h2>
          <button type="button" className="icon-btn" aria-label={t('settings.close')} onClick={() => goHome()}>
            <Icon name="close" />
          </button>
        </div>

        <div className="field">
          <label htmlFor={langId}>{t('settings.language')}</label>
          <select
            id={langId}
            value={settings.language ?? ''}
            onChange={(e) => void rt.settings.getState().setLanguage(e.target.value === '' ? null : (e.target.value as Language))}
          >
            <option value="">{t('settings.language.auto', { language: autoName })}</option>
            {LANGUAGES.map((l) => (
              <option key={l.id} value={l.id} lang={l.id}>
                {l.name}
              </option>
            ))}
          </select>
        </div>

        <div className="field">
          <label htmlFor={modeId}>{t('settings.interface')}</label>
          <select
            id={modeId}
            aria-describedby={`${modeId}-hint`}
            value={settings.mode ?? ''}
            onChange={(e) => void rt.settings.getState().setMode(e.target.value === '' ? null : (e.target.value as UiMode))}
          >
            <option value="">{t('settings.interface.auto', { mode: info?.launchMode === 'tv' ? 'tv' : 'desktop' })}</option>
            <option value="desktop">{t('settings.interface.desktop')}</option>
            <option value="tv">{t('settings.interface.tv')}</option>
          </select>
          <p className="hint" id={`${modeId}-hint`}>
            {t('settings.interface.hint')}
          </p>
        </div>

        <TerminalFacts className="facts" />

        <a className="link-tv-entry" href="#/link" data-testid="settings-link-tv">
          <TerminalIcon type="stb" size={24} />
          <span>
            <strong>{t('link.settings')}</strong>
            <span className="muted">{t('link.settings.hint')}</span>
          </span>
        </a>

        <ProfilesSection />
        <DevicesSection />
        <AccountSection />
        <PeopleSection />
        <LibrarySettings />

        {confirming && (
          <p className="callout" role="alert">
            {t('settings.signOut.pending', { count: pending })}
          </p>
        )}
        <div className="row-actions">
          <button type="button" className="btn btn-danger" onClick={() => void signOut()}>
            {t(confirming ? 'settings.signOut.confirm' : 'settings.signOut')}
          </button>
          {confirming && (
            <button type="button" className="btn btn-ghost" onClick={cancel}>
              {t('settings.cancel')}
            </button>
          )}
        </div>
      </section>
    </div>
  );
}
