/**
 * Home of the 10-foot interface: Continue watching and the catalogue as two horizontal rows of
 * large cards, moved through with the D-pad (Norigin spatial navigation), OK to play. The
 * focused card wears an unmistakable ring and its row scrolls to keep it in view; focus comes
 * back to the same programme's card after the player (it follows the programme, not the
 * position, so a card that moved to the front of the row after a stop keeps focus).
 * The data are the portal's home page, as on the desktop; so are the data-* attributes of the
 * cards (tests and the live row read them the same way on every interface).
 */
import { doesFocusableExist, FocusContext, getCurrentFocusKey, setFocus, useFocusable } from '@noriginmedia/norigin-spatial-navigation';
import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { ContinueItem, HomePage } from '../../../common/protocol/api.ts';
import type { Program } from '../../../common/protocol/model.ts';
import { useLanguage, useNow, useRuntime, useT } from '../ui/context.tsx';
import { ProgramBadges } from '../ui/ProgramBadges.tsx';
import { HomeWithoutPage, SkeletonItems } from '../ui/home-parts.tsx';
import { cardData, cardText, programLength, tileFacts } from '../ui/format.ts';
import { Icon, TerminalIcon } from '../ui/icons.tsx';
import { navigate } from '../ui/navigation.ts';
import { ProgressBar } from '../ui/ProgressBar.tsx';
import { DeviceChip, LiveIndicator } from '../ui/shell-parts.tsx';
import { OfflineBanner, Toasts } from '../ui/Status.tsx';
import { useRemote } from './remote.ts';
import { rememberedFocus, rowNeighbour } from './spatial.ts';
import { TvButton } from './TvButton.tsx';
import { CardFrame } from '../ui/CardFrame.tsx';
import { TvCardOptions } from './TvCardOptions.tsx';
import { TvNowPlaying } from './TvNowPlaying.tsx';
import { TvProfileButton } from './TvWhoIsWatching.tsx';
import { Artwork } from '../ui/Artwork.tsx';

/** Focus keys of home's items. */
export const focusKeys = {
  card: (programId: string) => `cw:${programId}`,
  tile: (programId: string) => `cat:${programId}`,
  settings: 'tv-settings',
  profile: 'tv-profile',
  retry: 'tv-retry',
} as const;

/** A pause between two parts of a card's accessible name (the parts are blocks on screen). */
function Sep() {
  return <span className="sr-only">, </span>;
}

/** A horizontal row: remembers its last focused card, so coming back into it lands there. */
function TvRow({ id, title, hasItems, empty, top = false, children }: { id: string; title: string; hasItems: boolean; empty: string; top?: boolean; children: ReactNode }) {
  const headingId = useId();
  const { ref, focusKey } = useFocusable<object, HTMLElement>({
    focusKey: `row:${id}`,
    focusable: hasItems,
    saveLastFocusedChild: true,
    trackChildren: true,
    // One line of cards: left/right by DOM order, nothing measured per press (spatial.ts).
    measureChildrenLayout: false,
    nextFocusResolver: rowNeighbour,
  });
  return (
    <section ref={ref} className="tv-section" aria-labelledby={headingId} data-testid={`tv-row-${id}`} data-scroll-top={top || undefined}>
      <h2 id={headingId} className="tv-section-title">
        {title}
      </h2>
      {hasItems ? (
        <FocusContext.Provider value={focusKey}>
          <ul className="tv-row">{children}</ul>
        </FocusContext.Provider>
      ) : (
        <p className="tv-empty">{empty}</p>
      )}
    </section>
  );
}

/** A Continue-watching card: OK resumes at the newest point of any of the user's terminals. */
function TvContinueCard({ item, onOptions }: { item: ContinueItem; onOptions: (programId: string) => void }) {
  const t = useT();
  const lang = useLanguage();
  const now = useNow();
  const { program, record, percent } = item;
  const { title, live, from, left, tracks } = cardText(item, lang, t, now);
  return (
    <li className="tv-item" {...cardData(item)}>
      <TvButton
        focusKey={focusKeys.card(program.id)}
        className="tv-card"
        remember
        onPress={() => navigate({ name: 'watch', programId: program.id, start: { kind: 'resume' } })}
        onLongPress={() => onOptions(program.id)}
      >
        <span className="sr-only">{t('card.resume')}: </span>
        <span className="tv-art">
          <Artwork artwork={program.artwork} />
          <CardFrame item={item} />
          {live ? (
            <span className="badge badge-live">{t('tile.live')}</span>
          ) : (
            <ProgressBar percent={percent} className="tv-progress" />
          )}
        </span>
        <span className="tv-card-title">{title}</span>
        <Sep />
        <span className="tv-card-meta">
          <TerminalIcon type={record.terminalType} size={22} />
          <span className="tv-ellipsis" data-testid="cw-from">
            {from}
          </span>
        </span>
        <Sep />
        <span className="tv-card-meta">
          <span className="tv-ellipsis">{left}</span>
        </span>
        {tracks && (
          <>
            <Sep />
            <span className="tv-card-meta">
              <span className="tv-ellipsis" data-testid="cw-tracks">
                {tracks}
              </span>
            </span>
          </>
        )}
      </TvButton>
    </li>
  );
}

/** A catalogue tile: OK plays (from the row's point when the programme is in the row). */
function TvTile({ program, progress, inRow }: { program: Program; progress: HomePage['progress'][number] | undefined; inRow: boolean }) {
  const t = useT();
  const lang = useLanguage();
  const { title, live, watched } = tileFacts(program, progress, lang);
  const length = programLength(program, t);
  return (
    <li className="tv-item" data-testid="tile" data-program-id={program.id}>
      <TvButton
        focusKey={focusKeys.tile(program.id)}
        className="tv-card tv-tile"
        remember
        onPress={() => navigate({ name: 'watch', programId: program.id, start: { kind: 'resume' } })}
      >
        <span className="sr-only">{t(inRow ? 'card.resume' : 'player.play')}: </span>
        <span className="tv-art">
          <Artwork artwork={program.artwork} />
          <ProgramBadges live={live} watched={watched} checkSize={18} />
          {inRow && progress && !live && (
            <ProgressBar percent={progress.percent} className="tv-progress" />
          )}
        </span>
        <span className="tv-card-title">{title}</span>
        <Sep />
        <span className="tv-card-meta">
          <span className="tv-ellipsis">{length}</span>
        </span>
      </TvButton>
    </li>
  );
}

/** The top bar: brand, live-updates indicator, this terminal, who is watching, settings. */
function TvHeader() {
  const t = useT();
  return (
    <header className="tv-top">
      <span className="tv-brand">
        <img src="./icon.svg" alt="" width={56} height={56} />
        <span>{t('app.name')}</span>
      </span>
      <span className="tv-top-right">
        <LiveIndicator />
        <DeviceChip iconSize={24} />
        <TvProfileButton focusKey={focusKeys.profile} />
        <TvButton focusKey={focusKeys.settings} className="tv-btn tv-icon-btn" label={t('nav.settings')} onPress={() => navigate({ name: 'settings' })}>
          <Icon name="settings" size={32} />
        </TvButton>
      </span>
    </header>
  );
}

/** The first item to focus when home appears: where the user was, else the first card. */
function initialFocus(page: HomePage): string {
  const remembered = rememberedFocus();
  if (remembered && doesFocusableExist(remembered)) return remembered;
  // The programme of a remembered tile may now be a card (or the other way round).
  const id = remembered?.replace(/^(cw|cat):/, '');
  if (id && doesFocusableExist(focusKeys.card(id))) return focusKeys.card(id);
  if (id && doesFocusableExist(focusKeys.tile(id))) return focusKeys.tile(id);
  const first = page.continueWatching[0] ?? null;
  if (first) return focusKeys.card(first.program.id);
  const tile = page.catalogue[0] ?? null;
  return tile ? focusKeys.tile(tile.id) : focusKeys.settings;
}

/** The 10-foot home screen. */
export function TvHome() {
  const rt = useRuntime();
  const t = useT();
  const status = useStore(rt.home, (s) => s.status);
  const page = useStore(rt.home, (s) => s.page);
  const cached = useStore(rt.home, (s) => s.cached);
  const focusedOnce = useRef(false);
  const [optionsFor, setOptionsFor] = useState<string | null>(null);
  const optionsItem = optionsFor ? (page?.continueWatching.find((c) => c.program.id === optionsFor) ?? null) : null;
  const closeOptions = useCallback(
    (removed: boolean) => {
      const key = optionsFor ? focusKeys.card(optionsFor) : null;
      setOptionsFor(null);
      // Back to the card; when it was removed, to the next card of the row.
      if (key && !removed && doesFocusableExist(key)) return setFocus(key);
      const next = page?.continueWatching.find((c) => c.program.id !== optionsFor && doesFocusableExist(focusKeys.card(c.program.id)));
      if (next) setFocus(focusKeys.card(next.program.id));
      else if (page) setFocus(initialFocus(page));
    },
    [optionsFor, page],
  );

  // The remote's Info / Options key opens the focused card's options.
  useRemote(({ action, phase }) => {
    if (action !== 'menu' || phase !== 'down' || optionsFor) return false;
    const focused = getCurrentFocusKey();
    if (!focused?.startsWith('cw:')) return false;
    setOptionsFor(focused.slice(3));
    return true;
  });

  const { ref, focusKey } = useFocusable<object, HTMLDivElement>({ focusKey: 'tv-home', trackChildren: true, focusable: true });

  // Focus once the page is there; children registered their focusables in their own effects.
  useEffect(() => {
    if (focusedOnce.current) return;
    if (page) {
      focusedOnce.current = true;
      setFocus(initialFocus(page));
    } else if (status === 'error') {
      setFocus(focusKeys.retry);
    }
  }, [page, status]);

  const row = page?.continueWatching ?? [];
  const progress = new Map((page?.progress ?? []).map((p) => [p.programId, p]));
  const inRow = new Set(row.map((c) => c.program.id));
  return (
    <FocusContext.Provider value={focusKey}>
      <div ref={ref} className="tv-home" data-testid="tv-home" data-portal={page?.portalId}>
        <TvHeader />
        <OfflineBanner />
        {!page ? (
          <HomeWithoutPage
            className="tv-state"
            iconSize={64}
            skeleton={
              <>
                <section className="tv-section">
                  <h2 className="tv-section-title">{t('home.continue')}</h2>
                  <ul className="tv-row">
                    <SkeletonItems n={4} className="tv-item tv-card" lines={3} />
                  </ul>
                </section>
                <section className="tv-section">
                  <h2 className="tv-section-title">{t('home.catalogue')}</h2>
                  <ul className="tv-row">
                    <SkeletonItems n={6} className="tv-item tv-card tv-tile" />
                  </ul>
                </section>
              </>
            }
          >
            <TvButton focusKey={focusKeys.retry} className="tv-btn tv-btn-primary" onPress={() => void rt.home.getState().load()}>
              {t('home.retry')}
            </TvButton>
          </HomeWithoutPage>
        ) : (
          <>
            {cached && <p className="tv-callout">{t('home.cached')}</p>}
            <TvNowPlaying />
            <TvRow id="continue" top title={t('home.continue')} hasItems={row.length > 0} empty={t('home.continue.empty')}>
              {row.map((item) => (
                <TvContinueCard key={item.program.id} item={item} onOptions={setOptionsFor} />
              ))}
            </TvRow>
            <TvRow id="catalogue" title={t('home.catalogue')} hasItems={page.catalogue.length > 0} empty={t('home.catalogue.empty')}>
              {page.catalogue.map((p) => (
                <TvTile key={p.id} program={p} progress={progress.get(p.id)} inRow={inRow.has(p.id)} />
              ))}
            </TvRow>
          </>
        )}
        <p className="tv-hints" aria-hidden="true">
          {t('tv.hints.home')}
        </p>
        {optionsItem && <TvCardOptions item={optionsItem} onClose={closeOptions} />}
        <Toasts />
      </div>
    </FocusContext.Provider>
  );
}
