/**
 * The frame around home and settings: the top bar (brand, live-updates indicator, this
 * terminal, settings), the offline banner, the page, and the toasts.
 */
import type { ReactNode } from 'react';
import { useT } from './context.tsx';
import { Icon } from './icons.tsx';
import { OfflineBanner, Toasts } from './Status.tsx';
import { ProfileButton } from './WhoIsWatching.tsx';
import { DeviceChip, LiveIndicator } from './shell-parts.tsx';

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
