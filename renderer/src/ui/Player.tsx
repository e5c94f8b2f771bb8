/**
 * The player screen: the <video>, its states (loading, buffering, reconnecting, error, ended),
 * the transport, and mouse/touch/keyboard control. The controller is created on mount and
 * closed on unmount — leaving by Esc, the back button or the browser's Back all end the
 * viewing the same way (position first, then unload).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { assertNever } from '../../../common/errors.ts';
import { programTitle } from '../i18n/index.ts';
import type { PlayerController } from '../player/controller.ts';
import { actionForKey, focusKind, KEY_MAPS, SEEK_STEP_S, VOLUME_STEP, type PlayerAction } from '../player/keys.ts';
import { resumePointFor } from '../player/resume-point.ts';
import type { StartIntent } from '../route.ts';
import type { PlayerErrorKind } from '../stores/player.ts';
import type { MessageKey } from '../i18n/index.ts';
import { useLanguage, useRuntime, useT } from './context.tsx';
import { describeBreakpoint } from './format.ts';
import { Icon } from './icons.tsx';
import { goHome } from './navigation.ts';
import { PlayerControls } from './PlayerControls.tsx';
import { OfflineBanner, Toasts } from './Status.tsx';

const ERROR_TEXT: Record<PlayerErrorKind, MessageKey> = {
  offline: 'player.error.offline',
  removed: 'player.error.removed',
  'not-allowed': 'player.error.notAllowed',
  media: 'player.error.media',
  generic: 'player.error.generic',
};

/** How long the controls stay up after the last pointer move while playing. */
const CHROME_IDLE_MS = 3_000;

function toggleFullscreen(el: HTMLElement | null): void {
  if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
  else void el?.requestFullscreen?.().catch(() => undefined);
}

/** The player screen for one programme. */
export function Player({ programId, start }: { programId: string; start: StartIntent }) {
  const rt = useRuntime();
  const t = useT();
  const lang = useLanguage();
  const videoRef = useRef<HTMLVideoElement>(null);
  const rootRef = useRef<HTMLDivElement>(null);
  const openedRef = useRef<PlayerController | null>(null);
  const [controller, setController] = useState<PlayerController | null>(null);
  const [chrome, setChrome] = useState(true);
  const hideTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const homeStatus = useStore(rt.home, (s) => s.status);
  const status = useStore(rt.player, (s) => s.status);
  const paused = useStore(rt.player, (s) => s.paused);
  const buffering = useStore(rt.player, (s) => s.buffering);
  const reconnecting = useStore(rt.player, (s) => s.reconnecting);
  const program = useStore(rt.player, (s) => s.program);
  const startInfo = useStore(rt.player, (s) => s.start);
  const error = useStore(rt.player, (s) => s.error);
  const online = useStore(rt.connectivity, (s) => s.online);
  const startKey = start.kind === 'terminal' ? `t:${start.terminalId}` : start.kind;

  // One controller per (programme, start): created for the <video>, closed when leaving.
  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    const c = rt.createController(video);
    setController(c);
    return () => {
      setController(null);
      void c.close();
    };
    // `startKey` stands for `start` (a new object on every render).
  }, [rt, programId, startKey]);

  // Open once the home page is known: its card holds the newest point (Start over needs none).
  const homeKnown = homeStatus === 'ready' || homeStatus === 'error';
  useEffect(() => {
    if (!controller || openedRef.current === controller || (!homeKnown && start.kind !== 'over')) return;
    openedRef.current = controller;
    const point = resumePointFor(rt.home.getState().page, programId, start);
    void controller.open({ programId, program: point.program, breakpoint: point.breakpoint, fromTerminal: point.fromTerminal });
    // Opened once per controller: later home updates must not reopen it.
  }, [controller, homeKnown]);

  const poke = useCallback(() => {
    setChrome(true);
    if (hideTimer.current) clearTimeout(hideTimer.current);
    hideTimer.current = setTimeout(() => setChrome(false), CHROME_IDLE_MS);
  }, []);
  useEffect(() => () => {
    if (hideTimer.current) clearTimeout(hideTimer.current);
  }, []);

  const act = useCallback(
    (action: PlayerAction) => {
      const c = controller;
      if (!c) return;
      switch (action) {
        case 'toggle-play':
          return c.togglePlay();
        case 'seek-back':
          return c.seekBy(-SEEK_STEP_S);
        case 'seek-forward':
          return c.seekBy(SEEK_STEP_S);
        case 'volume-up':
          return c.setVolume(rt.player.getState().volume + VOLUME_STEP);
        case 'volume-down':
          return c.setVolume(rt.player.getState().volume - VOLUME_STEP);
        case 'toggle-mute':
          return c.toggleMute();
        case 'toggle-fullscreen':
          return toggleFullscreen(rootRef.current);
        case 'go-live':
          return c.goLive();
        case 'exit':
          if (document.fullscreenElement) return void document.exitFullscreen().catch(() => undefined);
          return goHome();
        default:
          return assertNever(action, 'player action');
      }
    },
    [controller, rt],
  );

  useEffect(() => {
    const map = KEY_MAPS[rt.settings.getState().mode];
    const onKey = (e: KeyboardEvent) => {
      const action = actionForKey({ key: e.key, ctrlKey: e.ctrlKey, metaKey: e.metaKey, altKey: e.altKey, focus: focusKind(document.activeElement) }, map);
      if (!action) return;
      e.preventDefault();
      poke();
      act(action);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [act, poke, rt]);

  // The "Resuming at 1:02 from PC A" notice, for a few seconds once playback is ready.
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => {
    if (status !== 'ready' || !startInfo) return;
    const bp = startInfo.breakpoint;
    const text = !bp
      ? program?.kind === 'vod' && start.kind === 'over'
        ? t('player.startOver')
        : null
      : startInfo.terminalName
        ? t('player.resumedFrom', { position: describeBreakpoint(bp, lang), terminal: startInfo.terminalName })
        : t('player.resumed', { position: describeBreakpoint(bp, lang) });
    setNotice(text);
    const id = setTimeout(() => setNotice(null), 4_000);
    return () => clearTimeout(id);
  }, [status === 'ready', startInfo]);

  const title = program ? programTitle(program, lang) : '';
  const showChrome = chrome || paused || status !== 'ready';
  // Playing on from the buffer while the network is gone is not "busy": only a stall is.
  const busy = status === 'starting' || (buffering && status === 'ready');

  return (
    <div
      ref={rootRef}
      className={showChrome ? 'player' : 'player chrome-hidden'}
      data-testid="player"
      data-status={status}
      data-paused={paused}
      onPointerMove={poke}
    >
      <video
        ref={videoRef}
        className="player-video"
        playsInline
        preload="auto"
        onPointerUp={(e) => {
          if (e.pointerType === 'mouse') act('toggle-play');
          else if (showChrome && !paused) setChrome(false);
          else poke();
        }}
        onDoubleClick={() => toggleFullscreen(rootRef.current)}
      />

      <div className="player-top">
        <button type="button" className="icon-btn" aria-label={t('player.back')} onClick={() => goHome()}>
          <Icon name="back" />
        </button>
        <h1 className="player-title">{title}</h1>
      </div>

      <div className="player-notice" role="status" aria-live="polite">
        {notice && <span data-testid="resume-notice">{notice}</span>}
      </div>

      {busy && (
        <div className="player-state" aria-live="polite">
          <span className="spinner" aria-hidden="true" />
          <span>{t(status === 'starting' ? 'player.loading' : reconnecting ? 'player.reconnecting' : 'player.buffering')}</span>
        </div>
      )}

      {status === 'error' && error && (
        <div className="player-state player-error" role="alert">
          <Icon name={error === 'offline' ? 'offline' : 'alert'} size={40} />
          <p>{t(error === 'offline' && online ? 'error.NETWORK_DOWN' : ERROR_TEXT[error])}</p>
          <div className="row-actions">
            {error !== 'removed' && error !== 'not-allowed' && (
              <button type="button" className="btn btn-primary" onClick={() => void controller?.retry()}>
                {t('player.retry')}
              </button>
            )}
            <button type="button" className="btn btn-ghost" onClick={() => goHome()}>
              {t('player.home')}
            </button>
          </div>
        </div>
      )}

      {status === 'ended' && (
        <div className="player-state">
          <p>{t('player.ended', { title })}</p>
          <div className="row-actions">
            <button type="button" className="btn btn-primary" onClick={() => controller?.togglePlay()}>
              <Icon name="restart" size={18} /> {t('player.replay')}
            </button>
            <button type="button" className="btn btn-ghost" onClick={() => goHome()}>
              {t('player.home')}
            </button>
          </div>
        </div>
      )}

      {status === 'ready' && paused && !busy && (
        <button type="button" className="player-bigplay" aria-label={t('player.play')} onClick={() => controller?.togglePlay()}>
          <Icon name="play" size={44} />
        </button>
      )}

      {controller && (status === 'ready' || status === 'ended') && (
        <div className="player-bottom">
          <PlayerControls controller={controller} onFullscreen={() => toggleFullscreen(rootRef.current)} />
          <p className="player-keys">{t('player.keys')}</p>
        </div>
      )}
      <OfflineBanner />
      <Toasts />
    </div>
  );
}
