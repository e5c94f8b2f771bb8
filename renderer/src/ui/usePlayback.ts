/**
 * The part of a player screen that does not depend on how it is driven (mouse and keyboard,
 * or a TV remote): one controller per (programme, start) created for the <video> and closed
 * when the screen goes — closing records the breakpoint —, opened once the home page is known
 * (its card holds the newest point), and the "Resuming at 1:02 from PC A" notice.
 */
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import { useStore } from 'zustand';
import type { MessageKey } from '../../../common/i18n/index.ts';
import type { PlayerController } from '../player/controller.ts';
import { takeCarried } from '../player/carry.ts';
import { resumePointFor } from '../player/resume-point.ts';
import type { StartIntent } from '../route.ts';
import type { PlayerErrorKind } from '../stores/player.ts';
import { pointAt } from '../stores/handoff.ts';
import type { HandoffEvent } from '../../../common/protocol/handoff.ts';
import { useLanguage, useRuntime, useT } from './context.tsx';
import { describeBreakpoint } from './format.ts';

/** What the player says for each kind of error. */
const ERROR_TEXT: Record<PlayerErrorKind, MessageKey> = {
  offline: 'player.error.offline',
  removed: 'player.error.removed',
  'not-allowed': 'player.error.notAllowed',
  media: 'player.error.media',
  generic: 'player.error.generic',
};

/** What a player screen says about its state, whatever its markup. */
export interface PlayerMessages {
  /** Loading, buffering or reconnecting (null when playing, or only playing on from the buffer). */
  busy: string | null;
  /** The error, when the viewing failed. */
  error: { text: string; icon: 'offline' | 'alert'; retryable: boolean } | null;
}

/** The busy and error messages of the viewing in the player store. */
export function usePlayerMessages(): PlayerMessages {
  const rt = useRuntime();
  const t = useT();
  const status = useStore(rt.player, (s) => s.status);
  const buffering = useStore(rt.player, (s) => s.buffering);
  const reconnecting = useStore(rt.player, (s) => s.reconnecting);
  const error = useStore(rt.player, (s) => s.error);
  const online = useStore(rt.connectivity, (s) => s.online);
  // Playing on from the buffer while the network is gone is not "busy": only a stall is.
  const busy = status === 'starting' || (buffering && status === 'ready');
  return {
    busy: busy ? t(status === 'starting' ? 'player.loading' : reconnecting ? 'player.reconnecting' : 'player.buffering') : null,
    error:
      status === 'error' && error
        ? {
            text: t(error === 'offline' && online ? 'error.NETWORK_DOWN' : ERROR_TEXT[error]),
            icon: error === 'offline' ? 'offline' : 'alert',
            retryable: error !== 'removed' && error !== 'not-allowed',
          }
        : null,
  };
}

/** The player's controls: shown by `poke()`, hidden `idleMs` after the last poke, or by `hide()`. */
export function useChrome(idleMs: number): { chrome: boolean; poke: () => void; hide: () => void } {
  const [chrome, setChrome] = useState(true);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const poke = useCallback(() => {
    setChrome(true);
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => setChrome(false), idleMs);
  }, [idleMs]);
  const hide = useCallback(() => setChrome(false), []);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  return { chrome, poke, hide };
}

/** How long the resume notice stays up. */
const NOTICE_MS = 4_000;

/** What a player screen gets. */
export interface Playback {
  videoRef: RefObject<HTMLVideoElement | null>;
  /** The element subtitles are drawn in (over the video, styled by the screen). */
  textRef: RefObject<HTMLDivElement | null>;
  /** The controller (null until the <video> exists, and after leaving). */
  controller: PlayerController | null;
  /** The resume notice, while it shows. */
  notice: string | null;
  /** Another terminal took this viewing over ("Continued on …"); playback has stopped. */
  away: HandoffEvent | null;
}

/** Create, open and close the viewing of `programId` from `start`. */
export function usePlayback(programId: string, start: StartIntent): Playback {
  const rt = useRuntime();
  const t = useT();
  const lang = useLanguage();
  const videoRef = useRef<HTMLVideoElement>(null);
  const textRef = useRef<HTMLDivElement>(null);
  const openedRef = useRef<PlayerController | null>(null);
  const [controller, setController] = useState<PlayerController | null>(null);
  const homeStatus = useStore(rt.home, (s) => s.status);
  const status = useStore(rt.player, (s) => s.status);
  const program = useStore(rt.player, (s) => s.program);
  const startInfo = useStore(rt.player, (s) => s.start);
  const startKey =
    start.kind === 'terminal' ? `t:${start.terminalId}` : start.kind === 'handoff' ? `h:${start.sessionId}` : start.kind === 'remote' ? `r:${start.commandId}` : start.kind;

  // One controller per (programme, start): created for the <video>, closed when leaving.
  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    const c = rt.createController(video, textRef.current);
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
    // Continue here: the claim won on the home page (absent after a reload: resume as usual).
    const pending = start.kind === 'handoff' ? rt.handoff.getState().take(start.sessionId) : null;
    if (pending) {
      const durationMs = point.program?.kind === 'vod' ? point.program.durationMs : undefined;
      const at = (localNow: number) => pointAt(pending, localNow, durationMs);
      void controller.open({
        programId, program: point.program, breakpoint: at(Date.now()), fromTerminal: pending.claim.fromTerminalName,
        handoff: { playToken: pending.claim.playToken, pointAt: at },
      });
      return;
    }
    // A card's Play on from elsewhere: the start global sent (absent after a reload: resume as usual).
    const told = start.kind === 'remote' ? rt.remote.getState().takeStart(start.commandId) : null;
    if (told) {
      void controller.open({ programId, program: point.program, breakpoint: told.breakpoint, fromTerminal: told.terminalName });
      return;
    }
    void controller.open({ programId, program: point.program, breakpoint: point.breakpoint, fromTerminal: point.fromTerminal, tracks: takeCarried(programId) });
    // Opened once per controller: later home updates must not reopen it.
  }, [controller, homeKnown]);

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
    const id = setTimeout(() => setNotice(null), NOTICE_MS);
    return () => clearTimeout(id);
  }, [status === 'ready', startInfo]);

  // Another terminal took this viewing over: stop here (global recorded the stop at the point).
  const awayEvent = useStore(rt.handoff, (s) => s.away);
  const [away, setAway] = useState<{ of: PlayerController; event: HandoffEvent } | null>(null);
  useEffect(() => {
    if (!controller || !awayEvent || awayEvent.sessionId !== controller.sessionId()) return;
    setAway({ of: controller, event: awayEvent });
    void controller.close();
  }, [controller, awayEvent]);

  // The panel belongs to the viewing that was taken over, not to the next one (a take-back).
  return { videoRef, textRef, controller, notice, away: away && away.of === controller ? away.event : null };
}
