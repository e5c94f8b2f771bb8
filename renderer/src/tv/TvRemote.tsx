/**
 * The TV's remote panel (issue 15): the 10-foot remote of a viewing another terminal of this
 * household plays — play/pause, −10 s / +10 s, stop, a seek bar, audio and subtitles — by
 * arrows, OK and Back only. It commands through stores/remote.ts like the phone's panel
 * (ui/Remote.tsx); the state shown is now playing's (the position advancing locally), and the
 * pickers list the tracks that terminal answered it has.
 *
 * Keys: a dialog with a focus boundary (Norigin moves among its buttons); on the focused seek
 * bar ◀ ▶ move a target by 10 s (held: faster, scrub.ts) and the seek is sent once the presses
 * stop, or at once with OK — one command per gesture; Back drops a scrub, else closes.
 * Opened by name (tv/remote-panel.ts), it waits for the viewing to start there.
 */
import { FocusContext, getCurrentFocusKey, setFocus, useFocusable } from '@noriginmedia/norigin-spatial-navigation';
import { useEffect, useId, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { formatClock } from '../../../common/i18n/index.ts';
import type { RemoteCommandRequest } from '../../../common/protocol/remote.ts';
import { useLanguage, useT } from '../ui/context.tsx';
import { describeBreakpoint } from '../ui/format.ts';
import { Icon } from '../ui/icons.tsx';
import { useNowPlaying, type NowPlayingItem } from '../ui/now-playing-item.ts';
import { useRemoteSend, useRemoteTracks, useTrackName } from '../ui/remote-hooks.ts';
import { useRemote } from './remote.ts';
import { remotePanel, type RemotePanelTarget } from './remote-panel.ts';
import { createScrubber, SCRUB_COMMIT_MS } from './scrub.ts';
import { TvButton } from './TvButton.tsx';

/** A command without its session (the panel adds it). */
type Command = RemoteCommandRequest extends infer R ? (R extends unknown ? Omit<R, 'sessionId'> : never) : never;

/** The remote's ±10 s. */
const STEP_MS = 10_000;
/** Focus keys of the panel. */
export const remoteKeys = { toggle: 'rc:toggle', back: 'rc:back10', forward: 'rc:fwd10', stop: 'rc:stop', seek: 'rc:seek', close: 'rc:close' } as const;

/** The panel, when one is open (rendered over home). */
export function TvRemotePanel({ onClosed }: { onClosed: () => void }) {
  const target = useStore(remotePanel, (s) => s.target);
  return target ? <TvRemote target={target} onClose={() => (remotePanel.getState().close(), onClosed())} /> : null;
}

function TvRemote({ target, onClose }: { target: RemotePanelTarget; onClose: () => void }) {
  const t = useT();
  const titleId = useId();
  const items = useNowPlaying();
  const item = items.find((i) => i.session.terminalId === target.terminalId && i.session.programId === target.programId) ?? null;
  // Once seen, a viewing that leaves now playing has ended there (not "waiting" again).
  const [seen, setSeen] = useState(false);
  useEffect(() => {
    if (item) setSeen(true);
  }, [item]);
  const { ref, focusKey } = useFocusable<object, HTMLElement>({ focusKey: 'tv-remote', isFocusBoundary: true, trackChildren: true });
  // After home's own first focus (a parent's effect runs after this one); again once the viewing shows.
  const live = item !== null;
  useEffect(() => {
    const timer = setTimeout(() => setFocus(live ? remoteKeys.toggle : remoteKeys.close), 0);
    return () => clearTimeout(timer);
  }, [live]);

  const terminal = target.terminalName;
  return (
    <div className="tv-options-backdrop">
      <section ref={ref} className="tv-options tv-remote" role="dialog" aria-modal="true" aria-labelledby={titleId} data-testid="tv-remote" data-session-id={item?.session.sessionId}>
        <h2 id={titleId}>{t('remote.tv.title', { terminal })}</h2>
        <FocusContext.Provider value={focusKey}>
          {item ? (
            <TvRemoteControls item={item} onClose={onClose} />
          ) : (
            <>
              <p className="tv-card-meta" role="status" data-testid="tv-remote-state">
                {t(seen ? 'remote.tv.gone' : 'remote.tv.waiting', { terminal })}
              </p>
              <TvRemoteKeys onClose={onClose} scrub={null} />
              <TvButton focusKey={remoteKeys.close} className="tv-btn tv-option" onPress={onClose}>
                {t('remote.tv.close')}
              </TvButton>
            </>
          )}
        </FocusContext.Provider>
        <p className="tv-hints" aria-hidden="true">
          {t('remote.tv.hints')}
        </p>
      </section>
    </div>
  );
}

/** The scrub of the seek bar, as the panel's keys drive it. */
interface SeekGesture {
  /** A ◀ ▶ press or repeat on the bar; `up` when the key is released. */
  press(direction: -1 | 1, repeat: boolean): void;
  release(): void;
  /** OK: send the seek now (true when there was one). */
  commit(): boolean;
  /** Back: drop the scrub (true when there was one). */
  cancel(): boolean;
}

/** Back closes (or drops a scrub); ◀ ▶ on the focused bar scrub. */
function TvRemoteKeys({ onClose, scrub }: { onClose: () => void; scrub: SeekGesture | null }) {
  useRemote(({ action, phase, repeat }) => {
    const onBar = scrub !== null && getCurrentFocusKey() === remoteKeys.seek;
    if (onBar && (action === 'left' || action === 'right')) {
      if (phase === 'up') scrub.release();
      else scrub.press(action === 'left' ? -1 : 1, repeat);
      return true;
    }
    if (phase !== 'down') return false;
    if (onBar && action === 'ok') return repeat || scrub.commit();
    if (action === 'back') {
      if (!scrub?.cancel()) onClose();
      return true;
    }
    // The remote's Audio / Subtitle key: to that row's choice now playing (or its first).
    if (action === 'audio' || action === 'subtitles') {
      const row = document.querySelector(`[data-testid="tv-remote-${action}"]`);
      const key = (row?.querySelector('[aria-pressed="true"]') ?? row?.querySelector('[data-focus-key]'))?.getAttribute('data-focus-key');
      if (key) setFocus(key);
      return true;
    }
    // The home screen's Options key does nothing more here.
    return action === 'menu';
  });
  return null;
}

function TvRemoteControls({ item, onClose }: { item: NowPlayingItem; onClose: () => void }) {
  const t = useT();
  const lang = useLanguage();
  const name = useTrackName();
  const { send, sending } = useRemoteSend();
  const { session, program, position } = item;
  const { sessionId, terminalName: terminal } = session;
  const tracks = useRemoteTracks(session);
  const durationSec = program?.kind === 'vod' ? program.durationMs / 1000 : null;
  const atSec = position.kind === 'offset' ? position.offsetMs / 1000 : 0;
  const [scrubTarget, setScrubTarget] = useState<number | null>(null);
  const scrubber = useRef(createScrubber()).current;
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);
  const cmd = (request: Command) => send({ sessionId, ...request } as RemoteCommandRequest);

  // A seek sent but not yet in now playing: the next scrub goes on from it, not from the old point.
  const sent = useRef<{ to: number; from: number } | null>(null);
  const commit = (): boolean => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    const to = scrubber.commit();
    setScrubTarget(null);
    if (to === null) return false;
    sent.current = { to, from: atSec };
    cmd({ command: 'seek-to', offsetMs: Math.round(to * 1000) });
    return true;
  };
  const gesture: SeekGesture | null =
    durationSec === null
      ? null
      : {
          press(direction, repeat) {
            const from = sent.current && sent.current.from === atSec ? sent.current.to : atSec;
            const to = scrubber.press(direction, repeat, { position: from, min: 0, max: Math.max(0, durationSec - 0.5) });
            if (to === null) return;
            setScrubTarget(to);
            if (timer.current) clearTimeout(timer.current);
            timer.current = setTimeout(commit, SCRUB_COMMIT_MS);
          },
          release: () => scrubber.release(),
          commit,
          cancel() {
            if (timer.current) clearTimeout(timer.current);
            timer.current = null;
            const had = scrubber.target() !== null;
            scrubber.cancel();
            setScrubTarget(null);
            return had;
          },
        };

  const state = session.starting ? 'starting' : session.paused ? 'paused' : 'playing';
  const shown = scrubTarget ?? atSec;
  return (
    <>
      <TvRemoteKeys onClose={onClose} scrub={gesture} />
      <p className="tv-card-meta" role="status" data-testid="tv-remote-state" data-paused={session.paused}>
        {item.title} · {t('remote.tv.state', { state, position: describeBreakpoint(position, lang) })}
      </p>
      <div className="tv-remote-row">
        <TvButton
          focusKey={remoteKeys.toggle}
          className="tv-btn tv-icon-btn"
          testId="tv-remote-toggle"
          label={t(session.paused ? 'remote.play' : 'remote.pause', { terminal })}
          onPress={() => sending === null && cmd({ command: session.paused ? 'play' : 'pause' })}
        >
          <Icon name={session.paused ? 'play' : 'pause'} size={32} />
        </TvButton>
        <TvButton focusKey={remoteKeys.back} className="tv-btn tv-icon-btn" label={t('remote.back10')} onPress={() => sending === null && cmd({ command: 'seek-by', deltaMs: -STEP_MS })}>
          <Icon name="replay10" size={32} />
        </TvButton>
        <TvButton focusKey={remoteKeys.forward} className="tv-btn tv-icon-btn" label={t('remote.forward10')} onPress={() => sending === null && cmd({ command: 'seek-by', deltaMs: STEP_MS })}>
          <Icon name="forward10" size={32} />
        </TvButton>
        <TvButton focusKey={remoteKeys.stop} className="tv-btn tv-icon-btn" testId="tv-remote-stop" label={t('remote.stop', { terminal })} onPress={() => sending === null && cmd({ command: 'stop' })}>
          <Icon name="close" size={32} />
        </TvButton>
      </div>
      {durationSec !== null && <TvSeekBar terminal={terminal} at={shown} duration={durationSec} scrubbing={scrubTarget !== null} />}
      {tracks && tracks.audio.length > 1 && (
        <div className="tv-remote-row" role="group" aria-label={t('remote.audio', { terminal })} data-testid="tv-remote-audio">
          <span className="tv-remote-label" aria-hidden="true">
            {t('player.audio')}
          </span>
          {tracks.audio.map((l) => (
            <TvButton key={l} focusKey={`rc:audio:${l}`} className="tv-btn tv-choice" pressed={l === tracks.audioLanguage} onPress={() => cmd({ command: 'set-audio', language: l })}>
              {name(l)}
            </TvButton>
          ))}
        </div>
      )}
      {tracks && tracks.subtitles.length > 0 && (
        <div className="tv-remote-row" role="group" aria-label={t('remote.subtitles', { terminal })} data-testid="tv-remote-subtitles">
          <span className="tv-remote-label" aria-hidden="true">
            {t('player.subtitles')}
          </span>
          <TvButton focusKey="rc:subs:off" className="tv-btn tv-choice" pressed={tracks.subtitleLanguage === null} onPress={() => cmd({ command: 'set-subtitles', language: null })}>
            {t('player.subtitles.off')}
          </TvButton>
          {tracks.subtitles.map((l) => (
            <TvButton key={l} focusKey={`rc:subs:${l}`} className="tv-btn tv-choice" pressed={l === tracks.subtitleLanguage} onPress={() => cmd({ command: 'set-subtitles', language: l })}>
              {name(l)}
            </TvButton>
          ))}
        </div>
      )}
      <TvButton focusKey={remoteKeys.close} className="tv-btn tv-option" onPress={onClose}>
        {t('remote.tv.close')}
      </TvButton>
    </>
  );
}

/** The seek bar: focusable; its ◀ ▶ are the panel's (TvRemoteKeys), not navigation's. */
function TvSeekBar({ terminal, at, duration, scrubbing }: { terminal: string; at: number; duration: number; scrubbing: boolean }) {
  const t = useT();
  const { ref, focused } = useFocusable<object, HTMLDivElement>({
    focusKey: remoteKeys.seek,
    onArrowPress: (direction) => direction !== 'left' && direction !== 'right',
  });
  const pct = `${Math.min(100, Math.max(0, (at / Math.max(0.001, duration)) * 100))}%`;
  const time = formatClock(at);
  return (
    <div
      ref={ref}
      tabIndex={-1}
      role="slider"
      className={`tv-remote-seek${focused ? ' is-focused' : ''}`}
      aria-label={t('remote.tv.seekBar', { terminal })}
      aria-valuemin={0}
      aria-valuemax={Math.round(duration)}
      aria-valuenow={Math.round(at)}
      aria-valuetext={scrubbing ? t('remote.tv.seekTo', { time }) : time}
      data-focus-key={remoteKeys.seek}
      data-testid="tv-remote-seek"
      data-scrubbing={scrubbing}
      data-target-sec={Math.round(at)}
    >
      <span className="tv-bar" aria-hidden="true">
        <span className="tv-bar-pos" style={{ width: pct }} />
      </span>
      <span className="tv-times" aria-hidden="true">
        <span className="tv-time">{scrubbing ? t('remote.tv.seekTo', { time }) : time}</span>
        <span className="tv-time muted">{formatClock(duration)}</span>
      </span>
    </div>
  );
}
