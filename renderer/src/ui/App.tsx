/**
 * The app's top level: first-run screens until this terminal is registered (on a TV: the
 * link-by-code screen), then home (with settings or "Who's watching?" over it), the player, or the page that links a
 * TV, by the URL hash.
 */
import { Component, lazy, Suspense, useEffect, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { assertNever } from '../../../common/errors.ts';
import type { UiMode } from '../../../common/platform.ts';
import type { Route } from '../route.ts';
import type { SessionPhase } from '../stores/session.ts';
import { prefetchShaka } from '../player/shaka.ts';
import { NameTerminal, SignIn } from './Auth.tsx';
import { useLanguage, useRuntime, useT } from './context.tsx';
import { useRoute } from './navigation.ts';
import { useRemoteFollow } from './remote-hooks.ts';
import { playerKey } from '../route.ts';
import { Toasts } from './Status.tsx';

// Each mode's screens are chunks of their own (dynamic import): a set-top box fetches and
// parses the TV screens only, a PC the desktop ones, and Shaka (player/shaka.ts) comes when a
// programme opens — or at an idle moment once home is up. docs/BENCHMARKS.md (issue 17). The
// service worker keeps every chunk (shell-assets.json), so an offline start still opens them.
const TvApp = lazy(() => import('../tv/TvApp.tsx').then((m) => ({ default: m.TvApp })));
const TvLink = lazy(() => import('../tv/TvLink.tsx').then((m) => ({ default: m.TvLink })));
const DesktopHome = lazy(() => import('./DesktopHome.tsx').then((m) => ({ default: m.DesktopHome })));
const LinkPage = lazy(() => import('./LinkPage.tsx').then((m) => ({ default: m.LinkPage })));
// The desktop player is in the desktop chunk (loaded with home): it opens offline too.
const Player = lazy(() => import('./DesktopHome.tsx').then((m) => ({ default: m.Player })));

/** A screen's chunk that could not be fetched (offline before it was ever kept): say so, offer a reload. */
function ChunkFailed() {
  const t = useT();
  return (
    <div className="splash" role="alert">
      <p>{t('error.NETWORK_DOWN')}</p>
      <button type="button" onClick={() => location.reload()}>
        {t('home.retry')}
      </button>
    </div>
  );
}

class ChunkBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }
  override render(): ReactNode {
    return this.state.failed ? <ChunkFailed /> : this.props.children;
  }
}

/** What shows while a screen's chunk loads: the boot splash. */
function Splash() {
  const t = useT();
  return (
    <div className="splash" aria-busy="true">
      <img src="./icon.svg" alt="" width={64} height={64} />
      <span className="sr-only">{t('app.loading')}</span>
    </div>
  );
}

function Screens({ children }: { children: ReactNode }) {
  return (
    <ChunkBoundary>
      <Suspense fallback={<Splash />}>{children}</Suspense>
    </ChunkBoundary>
  );
}

/** The whole app. */
export function App() {
  const rt = useRuntime();
  const t = useT();
  const lang = useLanguage();
  const phase = useStore(rt.session, (s) => s.phase);
  const mode = useStore(rt.settings, (s) => s.mode);
  const route = useRoute();
  const picking = useStore(rt.profiles, (s) => s.picking);
  // Told from another terminal: open what was played on this one, leave what was stopped.
  useRemoteFollow(route);

  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = t('app.name');
  }, [lang, t]);
  useEffect(() => {
    document.documentElement.dataset.mode = mode;
  }, [mode]);
  // Home is up: warm the player's chunks (Shaka, the player screen) while nothing else is going on.
  const homeShown = useStore(rt.home, (s) => s.page !== null);
  useEffect(() => {
    if (phase === 'ready' && homeShown) prefetchShaka();
  }, [phase, homeShown, mode]);

  return <Screens>{screenOf(phase, mode, route, picking)}</Screens>;
}

/** The screen for the session's phase, the display mode and the route. */
function screenOf(phase: SessionPhase, mode: UiMode, route: Route, picking: boolean): ReactNode {
  switch (phase) {
    case 'booting':
      return <Splash />;
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
      if (route.name === 'link') return <DesktopHome link={route.code} />;
      if (route.name === 'watch') return <Player key={playerKey(route.programId, route.start)} programId={route.programId} start={route.start} />;
      return <DesktopHome settings={route.name === 'settings'} picking={picking} />;
    default:
      return assertNever(phase, 'session phase');
  }
}
