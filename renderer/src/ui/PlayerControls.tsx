/**
 * The player's transport: seek bar (with the buffered range), play/pause, ±10 s, volume, time
 * or distance behind live (with "Go live"), the audio/subtitle/speed menu, full screen.
 * Stateless over the player store except for scrubbing, which seeks once the thumb is released
 * (one seek per drag, not one per pixel). Hovering or dragging the bar previews the picture
 * there (thumbnails) with its chapter; chapters are marked on the bar.
 */
import { useRef, useState, type CSSProperties, type PointerEvent } from 'react';
import { useStore } from 'zustand';
import type { PlayerController } from '../player/controller.ts';
import { SEEK_STEP_S } from '../player/keys.ts';
import { formatClock } from '../../../common/i18n/index.ts';
import { useRuntime, useT } from './context.tsx';
import { Icon } from './icons.tsx';
import { ChapterMarks, SeekPreviewBox, useSeekPreview } from './SeekPreview.tsx';

/** Width of the seek preview picture (CSS px). */
const PREVIEW_WIDTH = 192;

/** The seek bar. */
function SeekBar({ controller }: { controller: PlayerController }) {
  const rt = useRuntime();
  const t = useT();
  const position = useStore(rt.player, (s) => s.position);
  const seekStart = useStore(rt.player, (s) => s.seekStart);
  const seekEnd = useStore(rt.player, (s) => s.seekEnd);
  const bufferedEnd = useStore(rt.player, (s) => s.bufferedEnd);
  const live = useStore(rt.player, (s) => s.live);
  const duration = useStore(rt.player, (s) => s.duration);
  const chapters = useStore(rt.player, (s) => s.program?.chapters);
  const [scrub, setScrub] = useState<number | null>(null);
  const { preview, show, hide } = useSeekPreview(controller, chapters, PREVIEW_WIDTH);
  const barRef = useRef<HTMLInputElement>(null);
  const min = live ? seekStart : 0;
  const max = live ? seekEnd : Math.max(duration, 0.1);
  const value = Math.min(max, Math.max(min, scrub ?? position));
  const span = Math.max(0.001, max - min);
  const style = {
    '--pos': `${((value - min) / span) * 100}%`,
    '--buf': `${((Math.min(max, bufferedEnd) - min) / span) * 100}%`,
  } as CSSProperties;
  const commit = () => {
    if (scrub !== null) controller.seekTo(scrub);
    setScrub(null);
    hide();
  };
  /** The time under the pointer (hover), or the thumb's while dragging. */
  const hover = (e: PointerEvent<HTMLElement>) => {
    const r = barRef.current?.getBoundingClientRect();
    if (!r || r.width <= 0 || scrub !== null || live) return;
    show(min + Math.min(1, Math.max(0, (e.clientX - r.left) / r.width)) * span);
  };
  const valueText = live ? t('player.behindLive', { time: formatClock(max - value) }) : `${formatClock(value)} / ${formatClock(max)}`;
  return (
    <div className="seekbar-wrap" onPointerMove={hover} onPointerLeave={() => scrub === null && hide()}>
      {preview && <SeekPreviewBox preview={preview} leftPercent={((preview.time - min) / span) * 100} />}
      {!live && <ChapterMarks chapters={chapters} max={max} />}
    <input
      ref={barRef}
      className="seekbar"
      type="range"
      min={min}
      max={max}
      step={0.1}
      value={value}
      style={style}
      aria-label={t('player.seek')}
      aria-valuetext={valueText}
      onChange={(e) => {
        const v = Number(e.target.value);
        setScrub(v);
        if (!live) show(v);
      }}
      onPointerUp={commit}
      onKeyUp={commit}
      onBlur={commit}
    />
    </div>
  );
}

/** Time shown next to the buttons: `1:02 / 10:00`, or live status. */
function TimeReadout({ controller }: { controller: PlayerController }) {
  const rt = useRuntime();
  const t = useT();
  const position = useStore(rt.player, (s) => s.position);
  const duration = useStore(rt.player, (s) => s.duration);
  const live = useStore(rt.player, (s) => s.live);
  const seekEnd = useStore(rt.player, (s) => s.seekEnd);
  if (!live) {
    return (
      <span className="time" data-testid="time">
        {formatClock(position)} <span className="muted">/ {formatClock(duration)}</span>
      </span>
    );
  }
  const behind = Math.max(0, seekEnd - position);
  return behind < 8 ? (
    <span className="badge badge-live">{t('player.atLive')}</span>
  ) : (
    <span className="live-behind">
      <span className="time">{t('player.behindLive', { time: formatClock(behind) })}</span>
      <button type="button" className="btn btn-ghost btn-sm" onClick={() => controller.goLive()}>
        <Icon name="live" size={18} /> {t('player.goLive')}
      </button>
    </span>
  );
}

/** The whole transport. */
export function PlayerControls({ controller, onFullscreen, menuOpen, onMenu }: { controller: PlayerController; onFullscreen: () => void; menuOpen: boolean; onMenu: () => void }) {
  const rt = useRuntime();
  const t = useT();
  const paused = useStore(rt.player, (s) => s.paused);
  const muted = useStore(rt.player, (s) => s.muted);
  const volume = useStore(rt.player, (s) => s.volume);
  const fullscreen = useStore(rt.player, (s) => s.fullscreen);
  return (
    <div className="transport">
      <SeekBar controller={controller} />
      <div className="transport-row">
        <button type="button" className="icon-btn big" aria-label={t(paused ? 'player.play' : 'player.pause')} onClick={() => controller.togglePlay()}>
          <Icon name={paused ? 'play' : 'pause'} size={28} />
        </button>
        <button type="button" className="icon-btn" aria-label={t('player.back10')} onClick={() => controller.seekBy(-SEEK_STEP_S)}>
          <Icon name="replay10" />
        </button>
        <button type="button" className="icon-btn" aria-label={t('player.fwd10')} onClick={() => controller.seekBy(SEEK_STEP_S)}>
          <Icon name="forward10" />
        </button>
        <div className="volume">
          <button type="button" className="icon-btn" aria-label={t(muted ? 'player.unmute' : 'player.mute')} onClick={() => controller.toggleMute()}>
            <Icon name={muted || volume === 0 ? 'muted' : 'volume'} />
          </button>
          <input
            className="volume-slider"
            type="range"
            min={0}
            max={1}
            step={0.05}
            value={muted ? 0 : volume}
            aria-label={t('player.volume')}
            style={{ '--pos': `${(muted ? 0 : volume) * 100}%` } as CSSProperties}
            onChange={(e) => controller.setVolume(Number(e.target.value))}
          />
        </div>
        <TimeReadout controller={controller} />
        <span className="spacer" />
        <button type="button" className="icon-btn" aria-label={t('player.tracks')} aria-expanded={menuOpen} data-testid="tracks-button" onClick={onMenu}>
          <Icon name="subtitles" />
        </button>
        <button type="button" className="icon-btn" aria-label={t(fullscreen ? 'player.exitFullscreen' : 'player.fullscreen')} onClick={onFullscreen}>
          <Icon name={fullscreen ? 'exitFullscreen' : 'fullscreen'} />
        </button>
      </div>
    </div>
  );
}
