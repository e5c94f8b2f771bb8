/**
 * The 10-foot interface of a registered terminal: home, settings and the player by the URL
 * hash, like the desktop one, over spatial navigation. Back closes settings (the player and
 * home handle their own keys); a linked TV has nothing to link, so `#/link` shows home.
 */
import { lazy, Suspense } from 'react';
import type { Route } from '../route.ts';
import { goHome } from '../ui/navigation.ts';
import { useRemote } from './remote.ts';
import { ensureSpatialNavigation } from './spatial.ts';
import { TvHome } from './TvHome.tsx';
import './tv.css';

// The player and settings are chunks of their own: a set-top box parses them when opened, not before home.
const TvPlayer = lazy(() => import('./TvPlayer.tsx').then((m) => ({ default: m.TvPlayer })));
const TvSettings = lazy(() => import('./TvSettings.tsx').then((m) => ({ default: m.TvSettings })));

/** The TV interface for a route. */
export function TvApp({ route }: { route: Route }) {
  // Before the first focusable registers (children's effects run before this component's).
  ensureSpatialNavigation();

  // Back closes settings; home and the player take their keys through the same path (remote.ts).
  useRemote(({ action, phase }) => {
    if (action !== 'back') return false;
    if (phase === 'down') goHome();
    return true;
  }, route.name === 'settings');

  if (route.name === 'watch' || route.name === 'settings') {
    return (
      <Suspense fallback={<div className="tv-loading" aria-busy="true" />}>
        {route.name === 'watch' ? <TvPlayer key={route.programId} programId={route.programId} start={route.start} /> : <TvSettings />}
      </Suspense>
    );
  }
  return <TvHome />;
}
