/**
 * The remote-control hooks (issue 15), shared by the desktop/phone components (Remote.tsx) and the
 * TV's (tv/): sending a command, a target's tracks, a card's Play on, following what this
 * terminal was told. Apart from the components so a TV's startup script carries none of the
 * desktop panels (issue 17's set-top budget): App needs `useRemoteFollow` on every terminal.
 */
import { useCallback, useEffect, useRef } from 'react';
import { useStore } from 'zustand';
import { languageName } from '../../../common/i18n/index.ts';
import type { PresenceSession } from '../../../common/protocol/presence.ts';
import type { RemoteCommandRequest, RemoteTracks } from '../../../common/protocol/remote.ts';
import { knownLanguage } from '../player/tracks.ts';
import type { Route, StartIntent } from '../route.ts';
import { useLanguage, useRuntime, useT } from './context.tsx';
import { goHome, navigate } from './navigation.ts';

/** How many times a panel asks a terminal for its tracks before it has them. */
const MAX_TRACK_ASKS = 6;

/** Send a remote command; a refusal becomes a toast. */
export function useRemoteSend(): { send: (request: RemoteCommandRequest) => void; sending: string | null } {
  const rt = useRuntime();
  const sending = useStore(rt.remote, (s) => s.sending);
  const send = useCallback(
    (request: RemoteCommandRequest) => {
      void rt.remote.getState().send(request).then((r) => {
        // ICU select keys cannot hold a hyphen: `not-playing` is said as `not_playing`.
        if (!r.ok) rt.toasts.getState().show('remote.error', { params: { code: r.code, reason: (r.reason ?? 'other').replace('-', '_') }, tone: 'error' });
      });
    },
    [rt],
  );
  return { send, sending };
}

/**
 * The tracks of the session `session` as its terminal last answered (null until it did). Asked
 * (`status`) when a panel opens once the viewing has started there, and with the next few
 * heartbeats until the terminal has loaded its tracks; then each command's answer keeps them current.
 */
export function useRemoteTracks(session: PresenceSession): RemoteTracks | null {
  const rt = useRuntime();
  const tracks = useStore(rt.remote, (s) => s.tracks[session.sessionId] ?? null);
  const known = tracks !== null && (tracks.audio.length > 0 || tracks.subtitles.length > 0);
  const again = known ? 0 : session.at;
  const starting = session.starting === true;
  // A programme with no tagged tracks at all never becomes "known": ask a few times, not forever.
  const asked = useRef(0);
  useEffect(() => {
    // A viewing still starting has no tracks loaded yet (and may not know its session).
    if (starting || asked.current >= MAX_TRACK_ASKS) return;
    asked.current += 1;
    void rt.remote.getState().refreshTracks(session.sessionId);
  }, [rt, session.sessionId, starting, again]);
  return tracks;
}

/** A track's language for people (an undetermined one: "Unknown"). */
export function useTrackName(): (tag: string) => string {
  const t = useT();
  const lang = useLanguage();
  return (tag) => (knownLanguage(tag) ? languageName(tag, lang) : t('player.language.unknown'));
}

/**
 * A card's "Play on ▸" (nothing plays it): start the programme on `toTerminalId` at this
 * profile's point; "Playing on …" when it started there, the refusal in a toast otherwise.
 * Resolves to whether it started.
 */
export function useCardPlayOn(): { playOn: (programId: string, target: { terminalId: string; name: string }) => Promise<boolean>; sending: string | null } {
  const rt = useRuntime();
  const sending = useStore(rt.remote, (s) => s.sending);
  const playOn = useCallback(
    async (programId: string, target: { terminalId: string; name: string }) => {
      const r = await rt.remote.getState().playProgramOn(programId, target.terminalId);
      if (r.ok) rt.toasts.getState().show('remote.playingOn', { params: { terminal: target.name }, tone: 'success' });
      else rt.toasts.getState().show('remote.playOnError', { params: { code: r.code, reason: (r.reason ?? 'other').replace('-', '_') }, tone: 'error' });
      return r.ok;
    },
    [rt],
  );
  return { playOn, sending };
}

/** Follow what this terminal was told from elsewhere: open a Play on, leave a stopped viewing. */
export function useRemoteFollow(route: Route): void {
  const rt = useRuntime();
  const playOn = useStore(rt.remote, (s) => s.playOn);
  const stopped = useStore(rt.remote, (s) => s.stopped);
  useEffect(() => {
    if (!playOn) return;
    rt.remote.getState().clearPlayOn();
    const start: StartIntent = 'sessionId' in playOn ? { kind: 'handoff', sessionId: playOn.sessionId } : { kind: 'remote', commandId: playOn.commandId };
    navigate({ name: 'watch', programId: playOn.programId, start });
  }, [playOn, rt]);
  useEffect(() => {
    if (!stopped) return;
    rt.remote.setState({ stopped: null });
    if (route.name === 'watch') goHome();
  }, [stopped, rt]);
}
