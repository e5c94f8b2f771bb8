/**
 * The app's top level: first-run screens until this terminal is registered, then home (with
 * settings over it) or the player, by the URL hash.
 */
import { useEffect } from 'react';
import { useStore } from 'zustand';
import { assertNever } from '../../../common/errors.ts';
import { NameTerminal, SignIn } from './Auth.tsx';
import { useLanguage, useRuntime, useT } from './context.tsx';
import { Home } from './Home.tsx';
import { useRoute } from './navigation.ts';
import { Player } from './Player.tsx';
import { Settings } from './Settings.tsx';
import { Shell } from './Shell.tsx';
import { Toasts } from './Status.tsx';

/** The whole app. */
export function App() {
  const rt = useRuntime();
  const t = useT();
  const lang = useLanguage();
  const phase = useStore(rt.session, (s) => s.phase);
  const mode = useStore(rt.settings, (s) => s.mode);
  const route = useRoute();

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
      return (
        <>
          <SignIn />
          <Toasts />
        </>
      );
    case 'naming':
      return <NameTerminal />;
    case 'ready':
      if (route.name === 'watch') return <Player key={`${route.programId}`} programId={route.programId} start={route.start} />;
      return (
        <Shell>
          <Home />
          {route.name === 'settings' && <Settings />}
        </Shell>
      );
    default:
      return assertNever(phase, 'session phase');
  }
}
