/**
 * Settings → Devices on the 10-foot interface, by remote only: every terminal of the household
 * (type icon, name, last seen, "this device", what it plays now) as a focusable row; OK on a row
 * asks "Remove?" with Remove / Cancel; removing this TV unlinks it (back to the link screen).
 * Rename (the button right of a row) opens the platform's text field (TvDeviceRename.tsx says
 * why not an on-screen keyboard of ours).
 */
import { setFocus } from '@noriginmedia/norigin-spatial-navigation';
import { useState } from 'react';
import { useStore } from 'zustand';
import { formatRelative } from '../../../common/i18n/index.ts';
import type { Device } from '../../../common/protocol/account.ts';
import { errorText } from '../ui/Auth.tsx';
import { useLanguage, useNow, useRuntime, useT } from '../ui/context.tsx';
import { useDevices, useNowPlayingText } from '../ui/Devices.tsx';
import { TerminalIcon } from '../ui/icons.tsx';
import { TvButton } from './TvButton.tsx';
import { TvDeviceRename } from './TvDeviceRename.tsx';

/** The TV's Devices group. */
export function TvDevices() {
  const rt = useRuntime();
  const t = useT();
  const lang = useLanguage();
  const now = useNow();
  const myId = useStore(rt.session, (s) => s.identity?.terminalId ?? null);
  const model = useDevices();
  const playing = useNowPlayingText();
  const [confirming, setConfirming] = useState<string | null>(null);
  const [renaming, setRenaming] = useState<string | null>(null);

  const ask = (d: Device) => {
    setRenaming(null);
    setConfirming(d.id);
    // The confirmation's Cancel gets focus: OK twice by accident removes nothing.
    setTimeout(() => setFocus(`device-cancel:${d.id}`), 0);
  };
  const cancel = (d: Device) => {
    setConfirming(null);
    setTimeout(() => setFocus(`device:${d.id}`), 0);
  };
  const startRename = (d: Device) => {
    setConfirming(null);
    setRenaming(d.id);
  };
  const endRename = (d: Device) => {
    // Focus first (the button exists throughout), so an OK pressed at once acts on it.
    setFocus(`device-rename:${d.id}`);
    setRenaming(null);
  };
  const remove = async (d: Device) => {
    if (await model.remove(d.id)) {
      setConfirming(null);
      if (d.id !== myId) setTimeout(() => setFocus('tv-unlink'), 0);
    }
  };

  return (
    <section className="tv-settings-group" aria-label={t('devices.title')} data-testid="tv-devices">
      <h2>{t('devices.title')}</h2>
      {model.error && (
        <p className="tv-callout" role="alert">
          {errorText(model.error, t)}
        </p>
      )}
      <div className="tv-devices">
        {(model.devices ?? []).map((d) => {
          const me = d.id === myId;
          const np = playing(d);
          const seen = d.lastSeenAt === null ? t('devices.neverSeen') : t('devices.lastSeen', { when: formatRelative(d.lastSeenAt, now, lang, t) });
          return (
            <div key={d.id} className="tv-device" data-testid="device" data-terminal-id={d.id} data-this={me ? 'true' : undefined}>
              <TvButton focusKey={`device:${d.id}`} className="tv-btn tv-device-row" onPress={() => ask(d)}>
                <TerminalIcon type={d.type} size={32} />
                <span className="tv-device-text">
                  <strong>{d.name}</strong>
                  {me && <span className="badge">{t('devices.thisDevice')}</span>}
                  <span className="tv-device-meta">
                    {t('type', { type: d.type })} · {seen}
                  </span>
                  {np && (
                    <span className="tv-device-meta" data-testid="device-playing">
                      {np}
                    </span>
                  )}
                </span>
              </TvButton>
              <TvButton focusKey={`device-rename:${d.id}`} className="tv-btn tv-device-rename-btn" label={t('devices.rename.label', { name: d.name })} onPress={() => startRename(d)}>
                {t('devices.rename')}
              </TvButton>
              {renaming === d.id && <TvDeviceRename device={d} busy={model.busy} rename={(name) => model.rename(d.id, name)} onDone={() => endRename(d)} />}
              {confirming === d.id && (
                <div className="tv-device-confirm" role="alert">
                  <p>{t(me ? 'devices.remove.confirmThis' : 'devices.remove.confirm', { name: d.name })}</p>
                  <div className="tv-choices">
                    <TvButton focusKey={`device-remove:${d.id}`} className="tv-btn tv-btn-danger" onPress={() => void remove(d)}>
                      {t('devices.remove.yes')}
                    </TvButton>
                    <TvButton focusKey={`device-cancel:${d.id}`} className="tv-btn" onPress={() => cancel(d)}>
                      {t('settings.cancel')}
                    </TvButton>
                  </div>
                </div>
              )}
            </div>
          );
        })}
      </div>
    </section>
  );
}
