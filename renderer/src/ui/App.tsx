/**
 * The app's top level: first-run screens until this terminal is registered (on a TV: the
 * link-by-code screen), then home (with settings or "Who's watching?" over it), the player, or the page that links a
 * TV, by the URL hash.
 */
import { useEffect } from 'react';
import { useStore } from 'zustand';
import { assertNever } from '../../../common/errors.ts';
import { TvLink } from '../tv/TvLink.tsx';
import { NameTerminal, SignIn } from './Auth.tsx';
import { useLanguage, useRuntime, useT } from './context.tsx';
import { Home } from './Home.tsx';
import { LinkPage } from './LinkPage.tsx';
import { useRoute } from './navigation.ts';
import { playerKey } from '../route.ts';
import { Player } from './Player.tsx';
import { Settings } from './Settings.tsx';
import { Shell } from './Shell.tsx';
import { Toasts } from './Status.tsx';
import { TvApp } from '../tv/TvApp.tsx';
import { WhoIsWatching } from './WhoIsWatching.tsx';

/** The whole app. */
export function App() {
  const rt = useRuntime();
  const t = useT();
  const lang = useLanguage();
  const phase = useStore(rt.session, (s) => s.phase);
  const mode = useStore(rt.settings, (s) => s.mode);
  const route = useRoute();
  const picking = useStore(rt.profiles, (s) => s.picking);

  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = t('app.name');
  }, [lang, t]);
  useEffect(() => {
    document.documentElement.dataset.mode = mode;
  }, [mode]);

  switch (phase) {
    case 'booting':
      return (
        <div className="splash" aria-busy="true">
          <img src="./icon.svg" alt="" width={64} height={64} />
          <span className="sr-only">{t('app.loading')}</span>
        </div>
      );
    case 'signed-out':
      // A TV is linked by a code entered elsewhere: nobody types a password with a remote.
      if (mode === 'tv') return <TvLink />;
      if (route.name === 'link') return <LinkPage code={route.code} />;
      return (
        <>
          <SignIn />
          <Toasts />
        </>
      );
    case 'naming':
      if (route.name === 'link' && mode !== 'tv') return <LinkPage code={route.code} />;
      return <NameTerminal />;
    case 'ready':
      if (mode === 'tv') return <TvApp route={route} />;
      if (route.name === 'link') {
        return (
          <Shell>
            <LinkPage code={route.code} />
          </Shell>
        );
      }
      if (route.name === 'watch') return <Player key={playerKey(route.programId, route.start)} programId={route.programId} start={route.start} />;
      return (
        <Shell>
          <Home />
          {route.name === 'settings' && !picking && <Settings />}
          {picking && <WhoIsWatching />}
        </Shell>
      );
    default:
      return assertNever(phase, 'session phase');
  }
}
