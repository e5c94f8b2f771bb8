/**
 * The 10-foot interface of a registered terminal: home, settings and the player by the URL
 * hash, like the desktop one, over spatial navigation. Back closes settings (the player and
 * home handle their own keys); a linked TV has nothing to link, so `#/link` shows home.
 * "Who's watching?" (TvWhoIsWatching.tsx) takes the whole screen while it is open.
 */
import { lazy, Suspense } from 'react';
import { useStore } from 'zustand';
import { playerKey, type Route } from '../route.ts';
import { useRuntime } from '../ui/context.tsx';
import { goHome } from '../ui/navigation.ts';
import { useRemote } from './remote.ts';
import { ensureSpatialNavigation } from './spatial.ts';
import { TvHome } from './TvHome.tsx';
import { TvPlayer } from './TvPlayer.tsx';
import { TvWhoIsWatching } from './TvWhoIsWatching.tsx';
import './tv.css';

// Settings is a chunk of its own: a set-top box parses it when opened, not before home. The
// player screen is not (it is small, and must open offline too); Shaka is (player/shaka.ts).
const TvSettings = lazy(() => import('./TvSettings.tsx').then((m) => ({ default: m.TvSettings })));

/** The TV interface for a route. */
export function TvApp({ route }: { route: Route }) {
  // Before the first focusable registers (children's effects run before this component's).
  ensureSpatialNavigation();
  const picking = useStore(useRuntime().profiles, (s) => s.picking);

  // Back closes settings; home and the player take their keys through the same path (remote.ts).
  useRemote(({ action, phase }) => {
    if (action !== 'back') return false;
    if (phase === 'down') goHome();
    return true;
  }, route.name === 'settings' && !picking);

  if (picking) return <TvWhoIsWatching />;
  if (route.name === 'watch') return <TvPlayer key={playerKey(route.programId, route.start)} programId={route.programId} start={route.start} />;
  if (route.name === 'settings') {
    return (
      <Suspense fallback={<div aria-busy="true" />}>
        <TvSettings />
      </Suspense>
    );
  }
  return <TvHome />;
}
