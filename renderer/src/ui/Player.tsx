/**
 * The player screen: the <video>, its states (loading, buffering, reconnecting, error, ended),
 * the transport, and mouse/touch/keyboard control. The controller is created on mount and
 * closed on unmount — leaving by Esc, the back button or the browser's Back all end the
 * viewing the same way (position first, then unload).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { assertNever } from '../../../common/errors.ts';
import { programTitle } from '../../../common/i18n/index.ts';
import { actionForKey, DESKTOP_KEYS, focusKind, SEEK_STEP_S, VOLUME_STEP, type PlayerAction } from '../player/keys.ts';
import type { StartIntent } from '../route.ts';
import { useLanguage, useRuntime, useT } from './context.tsx';
import { EndOfProgramme, useEndChoices, useNextCountdown } from './EndOfProgramme.tsx';
import { HandedOff } from './HandedOff.tsx';
import { Icon } from './icons.tsx';
import { goHome } from './navigation.ts';
import { PlayerControls } from './PlayerControls.tsx';
import { PlayOnMenu } from './Remote.tsx';
import { OfflineBanner, Toasts } from './Status.tsx';
import { TrackMenu, useTrackMenu } from './TrackMenu.tsx';
import { useChrome, usePlayback, usePlayerMessages } from './usePlayback.ts';

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
  const { videoRef, textRef, controller, notice, away } = usePlayback(programId, start);
  const [menuOpen, setMenuOpen] = useState(false);
  const [playOnOpen, setPlayOnOpen] = useState(false);
  const menu = useTrackMenu(controller);
  const rootRef = useRef<HTMLDivElement>(null);
  const { chrome, poke, hide } = useChrome(CHROME_IDLE_MS);
  const status = useStore(rt.player, (s) => s.status);
  const paused = useStore(rt.player, (s) => s.paused);
  const program = useStore(rt.player, (s) => s.program);
  const messages = usePlayerMessages();
  const endChoices = useEndChoices(program, controller);
  const countdown = useNextCountdown(endChoices, status === 'ended');

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
    const onKey = (e: KeyboardEvent) => {
      const action = actionForKey({ key: e.key, ctrlKey: e.ctrlKey, metaKey: e.metaKey, altKey: e.altKey, focus: focusKind(document.activeElement) }, DESKTOP_KEYS);
      if (!action) return;
      e.preventDefault();
      poke();
      // Esc closes the menu first.
      if (action === 'exit' && menuOpen) return setMenuOpen(false);
      act(action);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [act, poke, rt, menuOpen]);

  const title = program ? programTitle(program, lang) : '';
  const showChrome = chrome || paused || menuOpen || playOnOpen || status !== 'ready';
  // Taken over by another terminal: only the "Continued on …" panel speaks.
  const busy = messages.busy !== null && !away;
  const error = away ? null : messages.error;

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
          else if (showChrome && !paused) hide();
          else poke();
        }}
        onDoubleClick={() => toggleFullscreen(rootRef.current)}
      />
      <div ref={textRef} className="player-subtitles" data-testid="subtitles" />

      <div className="player-top">
        <button type="button" className="icon-btn" aria-label={t('player.back')} onClick={() => goHome()}>
          <Icon name="back" />
        </button>
        <h1 className="player-title">{title}</h1>
        {controller && status === 'ready' && !away && <PlayOnMenu controller={controller} open={playOnOpen} setOpen={setPlayOnOpen} />}
      </div>

      <div className="player-notice" role="status" aria-live="polite">
        {notice && <span data-testid="resume-notice">{notice}</span>}
      </div>

      {busy && (
        <div className="player-state" aria-live="polite">
          <span className="spinner" aria-hidden="true" />
          <span>{messages.busy}</span>
        </div>
      )}

      {error && (
        <div className="player-state player-error" role="alert">
          <Icon name={error.icon} size={40} />
          <p>{error.text}</p>
          <div className="row-actions">
            {error.retryable && (
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

      {status === 'ended' && <EndOfProgramme title={title} choices={endChoices} countdown={countdown} />}

      {away && <HandedOff away={away} />}

      {menuOpen && status === 'ready' && menu.length > 0 && <TrackMenu sections={menu} className="player-track-menu" />}

      {status === 'ready' && paused && !busy && (
        <button type="button" className="player-bigplay" aria-label={t('player.play')} onClick={() => controller?.togglePlay()}>
          <Icon name="play" size={44} />
        </button>
      )}

      {controller && (status === 'ready' || status === 'ended') && (
        <div className="player-bottom">
          <PlayerControls controller={controller} onFullscreen={() => toggleFullscreen(rootRef.current)} menuOpen={menuOpen} onMenu={() => setMenuOpen((o) => !o)} />
          <p className="player-keys">{t('player.keys')}</p>
        </div>
      )}
      <OfflineBanner />
      <Toasts />
    </div>
  );
}
