/**
 * "Play on ▸" in the TV player (issue 15): one more group of the player's ▼ / Options menu,
 * after audio, subtitles and speed — the connected terminals of this profile
 * (`GET /api/v1/remote/targets`, loaded when the viewing is ready and each time the menu
 * opens). OK on one moves the viewing there (a `play-on` command for this player's session);
 * this player then shows "Continued on …", where ▼ makes the TV that viewing's remote.
 */
import { useEffect } from 'react';
import { useStore } from 'zustand';
import type { PlayerController } from '../player/controller.ts';
import { useRuntime, useT } from '../ui/context.tsx';
import { useRemoteSend } from '../ui/remote-hooks.ts';
import type { MenuSection } from '../ui/TrackMenu.tsx';

/** The key of the item shown when no other terminal is connected. */
export const NO_TARGETS = 'none';

/** The Play on group for the player of `controller` (none until it plays a session). */
export function useTvPlayOn(controller: PlayerController | null, menuOpen: boolean): MenuSection[] {
  const rt = useRuntime();
  const t = useT();
  const { send } = useRemoteSend();
  const status = useStore(rt.player, (s) => s.status);
  const targets = useStore(rt.remote, (s) => s.targets);
  const sessionId = status === 'ready' ? (controller?.sessionId() ?? null) : null;
  useEffect(() => {
    if (sessionId) void rt.remote.getState().loadTargets();
  }, [rt, sessionId, menuOpen]);
  if (!sessionId) return [];
  return [
    {
      id: 'play-on',
      title: t('remote.playOnTitle'),
      items:
        targets.length === 0
          ? [{ key: NO_TARGETS, label: t('remote.noTargets'), checked: false, run: () => undefined }]
          : targets.map((x) => ({
              key: x.terminalId,
              label: x.name,
              checked: false,
              run: () => send({ sessionId, command: 'play-on', toTerminalId: x.terminalId }),
            })),
    },
  ];
}
