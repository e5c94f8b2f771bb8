/**
 * The frame around home and settings: the top bar (brand, live-updates indicator, this
 * terminal, settings), the offline banner, the page, and the toasts.
 */
import type { ReactNode } from 'react';
import { useStore } from 'zustand';
import { useRuntime, useT } from './context.tsx';
import { Icon, TerminalIcon } from './icons.tsx';
import { OfflineBanner, Toasts } from './Status.tsx';

/** The app frame. */
export function Shell({ children }: { children: ReactNode }) {
  const rt = useRuntime();
  const t = useT();
  const identity = useStore(rt.session, (s) => s.identity);
  const push = useStore(rt.connectivity, (s) => s.push);
  return (
    <div className="shell">
      <a className="skip-link" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>
        {t('nav.skip')}
      </a>
      <header className="topbar">
        <a className="brand" href="#/" title={t('nav.home')}>
          <img src="./icon.svg" alt="" width={32} height={32} />
          <span className="brand-name">{t('app.name')}</span>
        </a>
        <div className="topbar-right">
          {push === 'open' ? (
            <span className="live-dot" title={t('status.live.label')} aria-label={t('status.live.label')} role="img">
              <span aria-hidden="true" />
              <span className="live-dot-text">{t('status.live')}</span>
            </span>
          ) : push !== 'stopped' ? (
            <span className="live-dot off">{t('status.reconnecting')}</span>
          ) : null}
          {identity && (
            <span className="device-chip" data-testid="device-chip">
              <TerminalIcon type={identity.terminalType} />
              <span>{identity.terminalName}</span>
            </span>
          )}
          <a className="icon-btn" href="#/settings" aria-label={t('nav.settings')} title={t('nav.settings')}>
            <Icon name="settings" />
          </a>
        </div>
      </header>
      <OfflineBanner />
      <main id="main" tabIndex={-1} className="page">
        {children}
      </main>
      <Toasts />
    </div>
  );
}
