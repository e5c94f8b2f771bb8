/**
 * The frame around home and settings: the top bar (brand, live-updates indicator, this
 * terminal, settings), the offline banner, the page, and the toasts.
 */
import type { ReactNode } from 'react';
import { useStore } from 'zustand';
import { useRuntime, useT } from './context.tsx';
import { Icon, TerminalIcon } from './icons.tsx';
import { isOffline } from '../stores/connectivity.ts';
import { OfflineBanner, Toasts } from './Status.tsx';
import { ProfileButton } from './WhoIsWatching.tsx';

/**
 * Whether live updates from the other terminals are on (the push stream is open). Offline wins:
 * a stream that has not noticed the cut yet must not claim updates are live.
 */
export function LiveIndicator() {
  const rt = useRuntime();
  const t = useT();
  const push = useStore(rt.connectivity, (s) => s.push);
  const offline = useStore(rt.connectivity, isOffline);
  if (offline) {
    return (
      <span className="live-dot off" data-testid="live-indicator" data-state="offline">
        <Icon name="offline" size={14} /> <span className="live-dot-label">{t('status.offline')}</span>
      </span>
    );
  }
  if (push === 'open') {
    return (
      <span className="live-dot" title={t('status.live.label')} aria-label={t('status.live.label')} role="img" data-testid="live-indicator" data-state="live">
        <span aria-hidden="true" />
        <span className="live-dot-text">{t('status.live')}</span>
      </span>
    );
  }
  return push !== 'stopped' ? (
    <span className="live-dot off" data-testid="live-indicator" data-state="reconnecting">
      {t('status.reconnecting')}
    </span>
  ) : null;
}

/** This terminal's name and type. */
export function DeviceChip({ iconSize = 16 }: { iconSize?: number }) {
  const rt = useRuntime();
  const identity = useStore(rt.session, (s) => s.identity);
  if (!identity) return null;
  return (
    <span className="device-chip" data-testid="device-chip">
      <TerminalIcon type={identity.terminalType} size={iconSize} />
      <span>{identity.terminalName}</span>
    </span>
  );
}

/** The app frame. */
export function Shell({ children }: { children: ReactNode }) {
  const t = useT();
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
          <LiveIndicator />
          <ProfileButton />
          <DeviceChip />
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
