/** Parts of the app frame the TV shares (tv/TvHome): the live indicator and this terminal's chip, apart from Shell.tsx for the TV's startup script. */
import { useStore } from 'zustand';
import { isOffline } from '../stores/connectivity.ts';
import { useRuntime, useT } from './context.tsx';
import { Icon, TerminalIcon } from './icons.tsx';

/**
 * Whether live updates from the other terminals are on (the push stream is open). Offline wins:
 * a stream that has not noticed the cut yet must not claim updates are live.
 */
export function LiveIndicator() {
  const rt = useRuntime();
  const t = useT();
  const push = useStore(rt.connectivity, (s) => s.push);
  const offline = useStore(rt.connectivity, isOffline);
  if (offline) {
    return (
      <span className="live-dot off" data-testid="live-indicator" data-state="offline">
        <Icon name="offline" size={14} /> <span className="live-dot-label">{t('status.offline')}</span>
      </span>
    );
  }
  if (push === 'open') {
    return (
      <span className="live-dot" title={t('status.live.label')} aria-label={t('status.live.label')} role="img" data-testid="live-indicator" data-state="live">
        <span aria-hidden="true" />
        <span className="live-dot-text">{t('status.live')}</span>
      </span>
    );
  }
  return push !== 'stopped' ? (
    <span className="live-dot off" data-testid="live-indicator" data-state="reconnecting">
      {t('status.reconnecting')}
    </span>
  ) : null;
}

/** This terminal's name and type. */
export function DeviceChip({ iconSize = 16 }: { iconSize?: number }) {
  const rt = useRuntime();
  const identity = useStore(rt.session, (s) => s.identity);
  if (!identity) return null;
  return (
    <span className="device-chip" data-testid="device-chip">
      <TerminalIcon type={identity.terminalType} size={iconSize} />
      <span>{identity.terminalName}</span>
    </span>
  );
}
