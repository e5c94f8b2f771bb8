/**
 * Remote control and "Play on ▸" (issue 15, step 3), desktop and phone:
 * - `RemotePanel` on a now-playing card: play/pause, −10 s / +10 s, a seek bar (VOD), audio and
 *   subtitle pickers and stop for the session the other terminal plays (stores/remote.ts sends;
 *   that terminal obeys); the pickers list what that terminal answered it has (`useRemoteTracks`);
 * - `PlayOnMenu` in the player: the connected terminals of this profile; picking one moves the
 *   viewing there (it takes the session over; this player shows "Continued on …");
 * - `CardPlayOn` on a Continue-watching card (nothing plays it): the same list; picking one starts
 *   the programme there at this profile's point (global picks it) — "Playing on …", and its
 *   now-playing card, with a remote, appears here as soon as it plays;
 * The hooks (sending, tracks, a card's Play on, following what this terminal was told) are in
 * remote-hooks.ts, shared with the TV.
 * A refusal is said in a toast.
 */
import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { PresenceSession } from '../../../common/protocol/presence.ts';
import type { RemoteCommandRequest, RemoteTarget } from '../../../common/protocol/remote.ts';
import type { PlayerController } from '../player/controller.ts';
import { useRuntime, useT } from './context.tsx';
import { Icon } from './icons.tsx';
import type { NowPlayingItem } from './now-playing-item.ts';
import { useCardPlayOn, useRemoteSend, useRemoteTracks, useTrackName } from './remote-hooks.ts';

/** The remote's seek step (as the player's own ±10 s). */
const STEP_MS = 10_000;

/** The value of the subtitle picker's "Off" (no language tag has this shape). */
const OFF = 'off';

/** Audio and subtitle pickers for the session (what its terminal offers). */
function RemoteTrackPickers({ session, disabled, send }: { session: PresenceSession; disabled: boolean; send: (request: RemoteCommandRequest) => void }) {
  const t = useT();
  const name = useTrackName();
  const tracks = useRemoteTracks(session);
  const { sessionId, terminalName: terminal } = session;
  if (!tracks) return null;
  return (
    <>
      {tracks.audio.length > 1 && (
        <select
          className="np-remote-track"
          aria-label={t('remote.audio', { terminal })}
          data-testid="remote-audio"
          disabled={disabled}
          value={tracks.audioLanguage ?? ''}
          onChange={(e) => send({ sessionId, command: 'set-audio', language: e.currentTarget.value })}
        >
          {tracks.audioLanguage === null && <option value="">{t('player.language.unknown')}</option>}
          {tracks.audio.map((l) => (
            <option key={l} value={l}>
              {name(l)}
            </option>
          ))}
        </select>
      )}
      {tracks.subtitles.length > 0 && (
        <select
          className="np-remote-track"
          aria-label={t('remote.subtitles', { terminal })}
          data-testid="remote-subtitles"
          disabled={disabled}
          value={tracks.subtitleLanguage ?? OFF}
          onChange={(e) => {
            const v = e.currentTarget.value;
            send({ sessionId, command: 'set-subtitles', language: v === OFF ? null : v });
          }}
        >
          <option value={OFF}>{t('player.subtitles.off')}</option>
          {tracks.subtitles.map((l) => (
            <option key={l} value={l}>
              {name(l)}
            </option>
          ))}
        </select>
      )}
    </>
  );
}

/** The remote of one now-playing card. */
export function RemotePanel({ item }: { item: NowPlayingItem }) {
  const t = useT();
  const { send, sending } = useRemoteSend();
  const { session, program, position } = item;
  const terminal = session.terminalName;
  const sessionId = session.sessionId;
  const disabled = sending !== null;
  const durationMs = program?.kind === 'vod' ? program.durationMs : null;
  const atMs = position.kind === 'offset' ? position.offsetMs : 0;
  // The bar follows the card while idle; dragging shows where it will go.
  const [drag, setDrag] = useState<number | null>(null);
  const commit = () => {
    if (drag === null) return;
    send({ sessionId, command: 'seek-to', offsetMs: drag });
    setDrag(null);
  };
  return (
    <div className="np-remote row-actions" role="group" aria-label={t('remote.label', { terminal })} data-testid="remote-panel">
      <button
        type="button"
        className="icon-btn"
        disabled={disabled}
        data-testid={session.paused ? 'remote-play' : 'remote-pause'}
        aria-label={t(session.paused ? 'remote.play' : 'remote.pause', { terminal })}
        onClick={() => send({ sessionId, command: session.paused ? 'play' : 'pause' })}
      >
        <Icon name={session.paused ? 'play' : 'pause'} />
      </button>
      <button type="button" className="btn btn-ghost" disabled={disabled} data-testid="remote-back" aria-label={t('remote.back10')} onClick={() => send({ sessionId, command: 'seek-by', deltaMs: -STEP_MS })}>
        −10
      </button>
      <button type="button" className="btn btn-ghost" disabled={disabled} data-testid="remote-forward" aria-label={t('remote.forward10')} onClick={() => send({ sessionId, command: 'seek-by', deltaMs: STEP_MS })}>
        +10
      </button>
      {durationMs !== null && (
        <input
          type="range"
          className="np-remote-seek"
          min={0}
          max={Math.round(durationMs / 1000)}
          step={1}
          value={Math.round((drag ?? atMs) / 1000)}
          disabled={disabled}
          aria-label={t('remote.seek', { terminal })}
          data-testid="remote-seek"
          onChange={(e) => setDrag(Number(e.currentTarget.value) * 1000)}
          onPointerUp={commit}
          onKeyUp={commit}
        />
      )}
      <RemoteTrackPickers session={session} disabled={disabled} send={send} />
      <button type="button" className="icon-btn" disabled={disabled} data-testid="remote-stop" aria-label={t('remote.stop', { terminal })} onClick={() => send({ sessionId, command: 'stop' })}>
        <Icon name="close" />
      </button>
    </div>
  );
}

/** "Play on…" in the player: the connected terminals of this profile (the player keeps its chrome up while open). */
export function PlayOnMenu({ controller, open, setOpen }: { controller: PlayerController; open: boolean; setOpen: (open: boolean) => void }) {
  const rt = useRuntime();
  const t = useT();
  const { send, sending } = useRemoteSend();
  useEffect(() => {
    if (open) void rt.remote.getState().loadTargets();
  }, [open, rt]);
  const sessionId = controller.sessionId();
  return (
    <div className="play-on">
      <button type="button" className="btn btn-ghost" aria-expanded={open} data-testid="play-on" disabled={!sessionId} onClick={() => setOpen(!open)}>
        {t('remote.playOn')}
      </button>
      {open && sessionId && (
        <PlayOnTargets
          className="play-on-menu"
          testId="play-on"
          disabled={sending !== null}
          onPick={(target) => {
            setOpen(false);
            send({ sessionId, command: 'play-on', toTerminalId: target.terminalId });
          }}
        />
      )}
    </div>
  );
}

/** The "Play on…" menu: this profile's connected terminals (`testId`-menu, `testId`-target). */
function PlayOnTargets({ className, testId, disabled, onPick }: { className: string; testId: string; disabled: boolean; onPick: (target: RemoteTarget) => void }) {
  const rt = useRuntime();
  const t = useT();
  const targets = useStore(rt.remote, (s) => s.targets);
  return (
    <div className={className} role="menu" aria-label={t('remote.playOnTitle')} data-testid={`${testId}-menu`}>
      {targets.length === 0 && <p className="play-on-empty">{t('remote.noTargets')}</p>}
      {targets.map((target) => (
        <button
          key={target.terminalId}
          type="button"
          role="menuitem"
          className="btn btn-ghost"
          disabled={disabled}
          data-testid={`${testId}-target`}
          data-terminal-id={target.terminalId}
          onClick={() => onPick(target)}
        >
          <Icon name={target.type} />
          <span>{t('remote.playOnTo', { terminal: target.name })}</span>
        </button>
      ))}
    </div>
  );
}

/** "Play on…" on a Continue-watching card: the connected terminals of this profile. */
export function CardPlayOn({ programId, title }: { programId: string; title: string }) {
  const rt = useRuntime();
  const t = useT();
  const { playOn, sending } = useCardPlayOn();
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (open) void rt.remote.getState().loadTargets();
  }, [open, rt]);
  // In the card's action row (which wraps): the list takes a line of its own under the buttons.
  return (
    <>
      <button
        type="button"
        className="btn btn-ghost btn-sm"
        aria-expanded={open}
        aria-label={t('remote.card.playOn', { title })}
        data-testid="card-play-on"
        disabled={sending !== null}
        onClick={() => setOpen(!open)}
      >
        <Icon name="devices" size={18} />
        <span className="btn-text">{t('remote.playOn')}</span>
      </button>
      {open && (
        <PlayOnTargets
          className="cw-play-on-menu"
          testId="card-play-on"
          disabled={sending !== null}
          onPick={(target) => {
            setOpen(false);
            void playOn(programId, target);
          }}
        />
      )}
    </>
  );
}
