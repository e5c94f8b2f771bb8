/**
 * The desktop (PC, phone) screens: home with settings or the profile picker over it, the link
 * page, and the player (re-exported: App.tsx loads it from this chunk, so it is there — offline
 * too — whenever home was). One chunk, loaded on demand, so a set-top box never fetches it.
 */
import { Home } from './Home.tsx';
export { Player } from './Player.tsx';
import { LinkPage } from './LinkPage.tsx';
import { Settings } from './Settings.tsx';
import { Shell } from './Shell.tsx';
import { WhoIsWatching } from './WhoIsWatching.tsx';

/** Home (with settings or the picker over it), or the link page when `link` is given. */
export function DesktopHome({ settings = false, picking = false, link }: { settings?: boolean; picking?: boolean; link?: string | null }) {
  if (link !== undefined) {
    return (
      <Shell>
        <LinkPage code={link} />
      </Shell>
    );
  }
  return (
    <Shell>
      <Home />
      {settings && !picking && <Settings />}
      {picking && <WhoIsWatching />}
    </Shell>
  );
}
