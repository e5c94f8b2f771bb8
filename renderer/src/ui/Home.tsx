/**
 * Home: Continue watching (live: another terminal's stop appears without a reload) and the
 * catalogue, from the portal's home page model. Offline it shows the cached page and says so.
 */
import type { ReactNode } from 'react';
import { useStore } from 'zustand';
import { ContinueCard } from './ContinueCard.tsx';
import { Catalogue } from './Catalogue.tsx';
import { useRuntime, useT } from './context.tsx';
import { Icon } from './icons.tsx';
import { errorText } from './Auth.tsx';

/**
 * Home before a page is there: loading, or why it failed with `retry` (the interface's own
 * button) to try again. Desktop and TV.
 */
export function HomeWithoutPage({ className, iconSize, children: retry }: { className: string; iconSize: number; children: ReactNode }) {
  const rt = useRuntime();
  const t = useT();
  const status = useStore(rt.home, (s) => s.status);
  const error = useStore(rt.home, (s) => s.error);
  return status === 'error' ? (
    <div className={className} role="alert">
      <Icon name="alert" size={iconSize} />
      <p>{t('home.error')}</p>
      {error && <p className="muted">{errorText(error, t)}</p>}
      {retry}
    </div>
  ) : (
    <div className={className} aria-busy="true">
      <span className="spinner" aria-hidden="true" />
      <p>{t('home.loading')}</p>
    </div>
  );
}

/** "Remove from row", with its toast (done or failed); resolves to whether it was removed. */
export function useRemoveFromRow(): (programId: string, title: string) => Promise<boolean> {
  const rt = useRuntime();
  return async (programId, title) => {
    const ok = await rt.home.getState().remove(programId);
    rt.toasts.getState().show(ok ? 'card.removed' : 'card.removeFailed', { params: { title }, tone: ok ? 'info' : 'error' });
    return ok;
  };
}

/** The home screen. */
export function Home() {
  const rt = useRuntime();
  const t = useT();
  const page = useStore(rt.home, (s) => s.page);
  const cached = useStore(rt.home, (s) => s.cached);

  const remove = useRemoveFromRow();

  if (!page) {
    return (
      <HomeWithoutPage className="state-panel" iconSize={36}>
        <button className="btn btn-primary" type="button" onClick={() => void rt.home.getState().load()}>
          {t('home.retry')}
        </button>
      </HomeWithoutPage>
    );
  }

  const row = page.continueWatching;
  return (
    <div className="home" data-portal={page.portalId}>
      {cached && <p className="callout subtle">{t('home.cached')}</p>}
      <section className="section" aria-labelledby="cw-title" data-testid="continue-row">
        <div className="section-head">
          <h2 id="cw-title">{t('home.continue')}</h2>
          <p className="section-sub">{t('home.greeting')}</p>
        </div>
        {row.length === 0 ? (
          <p className="empty" data-testid="continue-empty">
            {t('home.continue.empty')}
          </p>
        ) : (
          <ul className="cw-row">
            {row.map((item) => (
              <ContinueCard key={item.program.id} item={item} onRemove={(id, title) => void remove(id, title)} />
            ))}
          </ul>
        )}
      </section>
      <Catalogue page={page} />
    </div>
  );
}
