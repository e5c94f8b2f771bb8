/**
 * The 10-foot interface of a registered terminal: home, settings and the player by the URL
 * hash, like the desktop one, over spatial navigation. Back closes settings (the player and
 * home handle their own keys); a linked TV has nothing to link, so `#/link` shows home.
 */
import { playerKey, type Route } from '../route.ts';
import { goHome } from '../ui/navigation.ts';
import { useRemote } from './remote.ts';
import { ensureSpatialNavigation } from './spatial.ts';
import { TvHome } from './TvHome.tsx';
import { TvPlayer } from './TvPlayer.tsx';
import { TvSettings } from './TvSettings.tsx';
import './tv.css';

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

  if (route.name === 'watch') return <TvPlayer key={playerKey(route.programId, route.start)} programId={route.programId} start={route.start} />;
  if (route.name === 'settings') return <TvSettings />;
  return <TvHome />;
}
