/**
 * Home: Continue watching (live: another terminal's stop appears without a reload) and the
 * catalogue, from the portal's home page model. Offline it shows the cached page and says so.
 */
import { useStore } from 'zustand';
import { ContinueCard } from './ContinueCard.tsx';
import { NowPlayingRow } from './NowPlaying.tsx';
import { Catalogue } from './Catalogue.tsx';
import { useRuntime, useT } from './context.tsx';
import { HomeWithoutPage, SkeletonItems, useRemoveFromRow } from './home-parts.tsx';

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
