/**
 * Home's parts the TV shares (tv/TvHome, TvCardOptions): the state before a page, skeleton items,
 * Remove from row. Apart from Home.tsx so the TV's startup script carries no desktop home.
 */
import type { ReactNode } from 'react';
import { useStore } from 'zustand';
import { errorText } from './Auth.tsx';
import { useRuntime, useT } from './context.tsx';
import { Icon } from './icons.tsx';

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

/** "Remove from row", with its toast (done or failed); resolves to whether it was removed. */
export function useRemoveFromRow(): (programId: string, title: string) => Promise<boolean> {
  const rt = useRuntime();
  return async (programId, title) => {
    const ok = await rt.home.getState().remove(programId);
    rt.toasts.getState().show(ok ? 'card.removed' : 'card.removeFailed', { params: { title }, tone: ok ? 'info' : 'error' });
    return ok;
  };
}
