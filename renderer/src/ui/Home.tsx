/**
 * Home: Continue watching (live: another terminal's stop appears without a reload) and the
 * catalogue, from the portal's home page model. Offline it shows the cached page and says so.
 */
import type { ReactNode } from 'react';
import { useStore } from 'zustand';
import { ContinueCard } from './ContinueCard.tsx';
import { NowPlayingRow } from './NowPlaying.tsx';
import { Catalogue } from './Catalogue.tsx';
import { useRuntime, useT } from './context.tsx';
import { Icon } from './icons.tsx';
import { errorText } from './Auth.tsx';

/**
 * Home before a page is there: while loading, `skeleton` (the interface's grey cards, in the
 * page's own layout, so nothing jumps when the page arrives); on failure why, with `retry` (the
 * interface's own button). Desktop and TV.
 */
export function HomeWithoutPage({ className, iconSize, skeleton, children: retry }: { className: string; iconSize: number; skeleton: ReactNode; children: ReactNode }) {
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
    <div aria-busy="true" data-testid="home-skeleton">
      <p className="sr-only" role="status">
        {t('home.loading')}
      </p>
      {skeleton}
    </div>
  );
}

/** `n` placeholder items (`<li>`s) for a row or grid while home loads. */
export function SkeletonItems({ n, className, lines = 2 }: { n: number; className: string; lines?: number }) {
  return (
    <>
      {Array.from({ length: n }, (_, i) => (
        <li key={i} className={`${className} skeleton-item`} aria-hidden="true">
          <span className="skeleton skeleton-art" />
          {Array.from({ length: lines }, (_, j) => (
            <span key={j} className={`skeleton skeleton-line${j === 0 ? ' skeleton-title' : ''}`} />
          ))}
        </li>
      ))}
    </>
  );
}

/** The desktop home's skeleton: the two sections with grey cards and tiles. */
function DesktopSkeleton() {
  const t = useT();
  return (
    <div className="home">
      <section className="section">
        <div className="section-head">
          <h2>{t('home.continue')}</h2>
        </div>
        <ul className="cw-row">
          <SkeletonItems n={3} className="cw-card" lines={3} />
        </ul>
      </section>
      <section className="section">
        <div className="section-head">
          <h2>{t('home.catalogue')}</h2>
        </div>
        <ul className="tiles">
          <SkeletonItems n={6} className="tile" />
        </ul>
      </section>
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
      <HomeWithoutPage className="state-panel" iconSize={36} skeleton={<DesktopSkeleton />}>
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
      <NowPlayingRow />
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
