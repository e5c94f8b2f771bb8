/**
 * The 10-foot "Continued on Phone" panel (issue 15): OK takes the viewing back, ▼ (or Options)
 * turns this TV into the remote of the viewing there (home, with TvRemote.tsx over it), Back
 * goes home. Its remote handler sits on top of the player's while it shows.
 */
import { useEffect } from 'react';
import type { HandoffEvent } from '../../../common/protocol/handoff.ts';
import { useT } from '../ui/context.tsx';
import { useHandedOffText, useTakeBack } from '../ui/HandedOff.tsx';
import { Icon } from '../ui/icons.tsx';
import { goHome } from '../ui/navigation.ts';
import { pushRemoteHandler } from './remote.ts';
import { remotePanel } from './remote-panel.ts';

/** The TV's panel over the stopped player. */
export function TvHandedOff({ away }: { away: HandoffEvent }) {
  const t = useT();
  const { takeBack, busy } = useTakeBack();
  const { title, detail } = useHandedOffText(away);
  useEffect(
    () =>
      pushRemoteHandler(({ action, phase, repeat }) => {
        if (phase !== 'down') return false;
        if (action === 'ok' || action === 'play-pause') {
          if (!repeat) takeBack();
          return true;
        }
        if (action === 'back' || action === 'stop') {
          goHome();
          return true;
        }
        if (action === 'down' || action === 'menu') {
          remotePanel.getState().open({ terminalId: away.toTerminalId, terminalName: away.toTerminalName, programId: away.programId });
          goHome();
        }
        return true;
      }),
    [takeBack, away],
  );
  return (
    <div className="tv-player-state tv-handed-off" role="alert" data-testid="handed-off" data-to-terminal-id={away.toTerminalId}>
      <Icon name="play" size={72} />
      <p>{title}</p>
      <p>{detail}</p>
      <p className="tv-hints">{busy ? t('handoff.claiming') : t('handoff.tvHintsRemote')}</p>
    </div>
  );
}
