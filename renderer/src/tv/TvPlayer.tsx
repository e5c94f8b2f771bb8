/**
 * The player of the 10-foot interface, driven by the remote alone:
 *   OK / Play-Pause     play or pause, and show the transport bar;
 *   ◀ ▶ / Rew / FF      seek 10 s; held down, the step grows (scrub.ts) and the seek is made
 *                       once the presses stop — one seek, one report, per gesture;
 *   ▲                   show the transport bar;
 *   ▼ / Menu            the audio, subtitle and speed menu, and "Play on ▸" another terminal
 *                       (▲ ▼ choose, ◀ ▶ group, OK, Back; useTvPlayOn.ts);
 *   Back / Stop         stop — the breakpoint is recorded by closing the viewing — and go
 *                       home, where focus is back on the same card (a Back while scrubbing
 *                       only drops the scrub).
 * The screen has no focusable element: the remote's keys are the controls, and a live region
 * says what they did. Spatial navigation is paused while it shows.
 */
import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { formatClock, programTitle } from '../../../common/i18n/index.ts';
import { useLanguage, useRuntime, useT } from '../ui/context.tsx';
import { EndOfProgramme, useEndChoices, useNextCountdown } from '../ui/EndOfProgramme.tsx';
import { ChapterMarks, SeekPreviewBox, useSeekPreview } from '../ui/SeekPreview.tsx';
import { TrackMenu, useTrackMenu } from '../ui/TrackMenu.tsx';
import { Icon } from '../ui/icons.tsx';
import { OfflineBanner, Toasts } from '../ui/Status.tsx';
import { useChrome, usePlayback, usePlayerMessages } from '../ui/usePlayback.ts';
import { TvHandedOff } from './TvHandedOff.tsx';
import type { StartIntent } from '../route.ts';
import { suspendNavigation } from './spatial.ts';
import { useTvPlayerRemote } from './useTvPlayerRemote.ts';
import { useTvPlayOn } from './useTvPlayOn.ts';

/** How long the transport bar stays up after the last key while playing. */
const CHROME_IDLE_MS = 4_000;

/** The 10-foot player for one programme. */
export function TvPlayer({ programId, start }: { programId: string; start: StartIntent }) {
  const rt = useRuntime();
  const t = useT();
  const lang = useLanguage();
  const { videoRef, textRef, controller, notice, away } = usePlayback(programId, start);
  const tracks = useTrackMenu(controller);
  const status = useStore(rt.player, (s) => s.status);
  const paused = useStore(rt.player, (s) => s.paused);
  const program = useStore(rt.player, (s) => s.program);
  const messages = usePlayerMessages();
  const endChoices = useEndChoices(program, controller);
  const countdown = useNextCountdown(endChoices, status === 'ended');
  const position = useStore(rt.player, (s) => s.position);
  const duration = useStore(rt.player, (s) => s.duration);
  const live = useStore(rt.player, (s) => s.live);
  const seekStart = useStore(rt.player, (s) => s.seekStart);
  const seekEnd = useStore(rt.player, (s) => s.seekEnd);
  const bufferedEnd = useStore(rt.player, (s) => s.bufferedEnd);
  const { chrome, poke } = useChrome(CHROME_IDLE_MS);
  // The remote's arrows are this screen's: no spatial navigation under the video.
  useEffect(() => suspendNavigation(), []);

  const [menuOpen, setMenuOpen] = useState(false);
  const playOn = useTvPlayOn(away ? null : controller, menuOpen);
  const menu = [...tracks, ...playOn];
  const { scrubTarget, said, endFocus, menuFocus } = useTvPlayerRemote({ controller, poke, endChoices, menu, stayAtEnd: countdown.stay });
  useEffect(() => setMenuOpen(menuFocus !== null), [menuFocus]);
  // The picture at the scrub target while scrubbing (seek-preview thumbnails).
  const { preview, show, hide } = useSeekPreview(controller, program?.chapters, 360);
  useEffect(() => {
    if (scrubTarget === null || live) hide();
    else show(scrubTarget);
  }, [scrubTarget, live, show, hide]);

  const title = program ? programTitle(program, lang) : '';
  // Taken over by another terminal: only the "Continued on …" panel speaks.
  const busy = messages.busy !== null && !away;
  const error = away ? null : messages.error;
  const showChrome = chrome || paused || scrubTarget !== null || menuFocus !== null || status !== 'ready';
  const min = live ? seekStart : 0;
  const max = live ? seekEnd : Math.max(duration, 0.1);
  const span = Math.max(0.001, max - min);
  const pct = (v: number) => `${Math.min(100, Math.max(0, ((v - min) / span) * 100))}%`;
  const shown = scrubTarget ?? position;
  const delta = scrubTarget === null ? 0 : Math.round(scrubTarget - position);

  return (
    <div className={showChrome ? 'tv-player' : 'tv-player chrome-hidden'} data-testid="player" data-status={status} data-paused={paused} data-scrubbing={scrubTarget !== null}>
      <video ref={videoRef} className="player-video" playsInline preload="auto" aria-label={title} />
      <div ref={textRef} className="player-subtitles tv-subtitles" data-testid="subtitles" />

      <div className="tv-player-top">
        <h1 className="tv-player-title">{title}</h1>
      </div>

      <div className="tv-player-notice" role="status" aria-live="polite">
        {notice && <span data-testid="resume-notice">{notice}</span>}
      </div>
      <div className="sr-only" role="status" aria-live="assertive" data-testid="tv-said">
        {said}
      </div>

      {busy && (
        <div className="tv-player-state" aria-live="polite">
          <span className="spinner" aria-hidden="true" />
          <span>{messages.busy}</span>
        </div>
      )}

      {error && (
        <div className="tv-player-state tv-player-error" role="alert">
          <Icon name={error.icon} size={72} />
          <p>{error.text}</p>
          <p className="tv-hints">{t(error.retryable ? 'tv.hints.retry' : 'tv.hints.backOnly')}</p>
        </div>
      )}

      {status === 'ended' && (
        <>
          <EndOfProgramme title={title} choices={endChoices} focused={Math.min(endFocus, endChoices.length - 1)} className="tv-player-end" countdown={countdown} />
          <p className="tv-hints tv-end-hints">{t('tv.hints.ended')}</p>
        </>
      )}

      {status === 'ready' && paused && !busy && scrubTarget === null && (
        <div className="tv-paused" aria-hidden="true">
          <Icon name="pause" size={96} />
        </div>
      )}

      {(status === 'ready' || status === 'ended') && (
        <div className="tv-transport" data-testid="tv-transport">
          <div className="tv-bar" aria-hidden="true">
            <span className="tv-bar-buf" style={{ width: pct(Math.min(max, bufferedEnd)) }} />
            <span className="tv-bar-pos" style={{ width: pct(position) }} />
            {scrubTarget !== null && <span className="tv-bar-scrub" style={{ left: pct(scrubTarget) }} />}
            {!live && <ChapterMarks chapters={program?.chapters} max={max} className="chapter-marks tv-chapter-marks" />}
            {preview && scrubTarget !== null && <SeekPreviewBox preview={preview} leftPercent={((preview.time - min) / span) * 100} className="seek-preview tv-seek-preview" />}
          </div>
          <div className="tv-times">
            <span className="tv-time" data-testid="time">
              {live ? t('player.behindLive', { time: formatClock(Math.max(0, seekEnd - shown)) }) : formatClock(shown)}
            </span>
            {scrubTarget !== null && (
              <span className="tv-scrub" data-testid="tv-scrub">
                {delta >= 0 ? `+${formatClock(delta)}` : `−${formatClock(-delta)}`}
              </span>
            )}
            <span className="tv-time muted">{live ? t('player.atLive') : formatClock(duration)}</span>
          </div>
          <p className="tv-hints">{t(menuFocus ? (playOn.length > 0 ? 'tv.hints.tracksPlayOn' : 'tv.hints.tracks') : 'tv.hints.player')}</p>
        </div>
      )}
      {away && <TvHandedOff away={away} />}
      {menuFocus && status === 'ready' && <TrackMenu sections={menu} focus={menuFocus} className="tv-track-menu" />}
      <OfflineBanner />
      <Toasts />
    </div>
  );
}
