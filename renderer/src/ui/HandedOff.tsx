/**
 * "Continued on Phone · Take it back" (issue 15): what a player shows once another terminal
 * took its viewing over (the viewing has stopped; global recorded the stop at the point). The
 * desktop/phone panel is here, the TV's in tv/TvHandedOff.tsx; both take back through
 * `useTakeBack`, which claims the other terminal's session and opens it here.
 */
import { useCallback } from 'react';
import { useStore } from 'zustand';
import type { HandoffEvent } from '../../../common/protocol/handoff.ts';
import { useLanguage, useRuntime, useT } from './context.tsx';
import { describeBreakpoint } from './format.ts';
import { goHome, navigate } from './navigation.ts';

/** Take the viewing back; a refusal is said in a toast. Returns the action and whether it is under way. */
export function useTakeBack(): { takeBack: () => void; busy: boolean } {
  const rt = useRuntime();
  const busy = useStore(rt.handoff, (s) => s.claiming !== null);
  const takeBack = useCallback(() => {
    if (rt.handoff.getState().claiming) return;
    void rt.handoff.getState().takeBack().then((r) => {
      if (r.ok) navigate({ name: 'watch', programId: r.claim.programId, start: { kind: 'handoff', sessionId: r.claim.sessionId } });
      else rt.toasts.getState().show('handoff.error', { params: { code: r.code }, tone: 'error' });
    });
  }, [rt]);
  return { takeBack, busy };
}

/** Continue here from a now-playing card; a refusal is said in a toast. */
export function useContinueHere(): { continueHere: (sessionId: string) => void; claiming: string | null } {
  const rt = useRuntime();
  const claiming = useStore(rt.handoff, (s) => s.claiming);
  const continueHere = useCallback(
    (sessionId: string) => {
      if (rt.handoff.getState().claiming) return;
      void rt.handoff.getState().claim(sessionId).then((r) => {
        if (r.ok) navigate({ name: 'watch', programId: r.claim.programId, start: { kind: 'handoff', sessionId: r.claim.sessionId } });
        else rt.toasts.getState().show('handoff.error', { params: { code: r.code }, tone: 'error' });
      });
    },
    [rt],
  );
  return { continueHere, claiming };
}

/** The words of the panel. */
export function useHandedOffText(away: HandoffEvent): { title: string; detail: string } {
  const t = useT();
  const lang = useLanguage();
  return { title: t('handoff.away', { terminal: away.toTerminalName }), detail: t('handoff.awayDetail', { position: describeBreakpoint(away.point, lang) }) };
}

/** The desktop and phone panel over the stopped player. */
export function HandedOff({ away }: { away: HandoffEvent }) {
  const t = useT();
  const { takeBack, busy } = useTakeBack();
  const { title, detail } = useHandedOffText(away);
  return (
    <div className="player-state player-handed-off" role="alert" data-testid="handed-off" data-to-terminal-id={away.toTerminalId}>
      <p className="player-handed-off-title">{title}</p>
      <p>{detail}</p>
      <div className="row-actions">
        <button type="button" className="btn btn-primary" disabled={busy} onClick={takeBack} data-testid="take-back">
          {busy ? t('handoff.claiming') : t('handoff.takeBack')}
        </button>
        <button type="button" className="btn btn-ghost" onClick={() => goHome()}>
          {t('player.home')}
        </button>
      </div>
    </div>
  );
}
