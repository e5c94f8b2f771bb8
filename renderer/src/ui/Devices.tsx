/**
 * Settings → Devices: every signed-in terminal of the household — type icon, name, last seen,
 * "this device", what it plays now (title and position) — with rename / change of type (a phone
 * registered as a computer by mistake) and remove (confirmed).
 * Removing this device signs it out here too (back to sign-in or, on a TV, the link screen).
 * `useDevices` holds the list and actions; the desktop/phone view is here, the TV's in
 * tv/TvDevices.tsx.
 */
import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useStore } from 'zustand';
import { programTitle, formatRelative } from '../../../common/i18n/index.ts';
import type { Device } from '../../../common/protocol/account.ts';
import { TERMINAL_TYPES, type TerminalType } from '../../../common/protocol/model.ts';
import { codeOf, type ClientErrorCode } from '../api/http.ts';
import { errorText } from './Auth.tsx';
import { useLanguage, useNow, useRuntime, useT } from './context.tsx';
import { describeBreakpoint } from './format.ts';
import { Icon, TerminalIcon } from './icons.tsx';

/** The Devices list and its actions (desktop and TV views share it). */
export interface DevicesModel {
  devices: Device[] | null;
  error: ClientErrorCode | null;
  busy: boolean;
  reload(): Promise<void>;
  /** Rename a device and, when `type` is given, change its type (the catalogue follows it). */
  rename(id: string, name: string, type?: TerminalType): Promise<boolean>;
  /** Remove a terminal; removing this one signs this terminal out. */
  remove(id: string): Promise<boolean>;
}

/** Load the household's devices and offer rename/remove. */
export function useDevices(): DevicesModel {
  const rt = useRuntime();
  const myId = useStore(rt.session, (s) => s.identity?.terminalId ?? null);
  const [devices, setDevices] = useState<Device[] | null>(null);
  const [error, setError] = useState<ClientErrorCode | null>(null);
  const [busy, setBusy] = useState(false);

  const reload = useCallback(async () => {
    try {
      const list = await rt.api.devices();
      setDevices(list.terminals);
      setError(null);
    } catch (e) {
      setError(codeOf(e));
    }
  }, [rt]);

  useEffect(() => {
    void reload();
    // What each device plays changes while the screen is open: refresh now and then.
    const id = setInterval(() => void reload(), 10_000);
    return () => clearInterval(id);
  }, [reload]);

  async function act(fn: () => Promise<unknown>): Promise<boolean> {
    setBusy(true);
    setError(null);
    try {
      await fn();
      return true;
    } catch (e) {
      setError(codeOf(e));
      return false;
    } finally {
      setBusy(false);
    }
  }

  return {
    devices,
    error,
    busy,
    reload,
    rename: async (id, name, type) => {
      const ok = await act(() => rt.api.renameTerminal(id, name.trim(), type));
      if (ok && id === myId) {
        await rt.session.getState().renamed(name.trim(), type);
        // Another type is another catalogue (patent: filtered by terminal type).
        if (type) void rt.home.getState().load();
      }
      if (ok) await reload();
      return ok;
    },
    remove: async (id) => {
      const ok = await act(() => rt.api.removeTerminal(id));
      if (!ok) return false;
      if (id === myId) {
        // The server already ended this credential: forget it without telling it again.
        await rt.session.getState().signOut('terminal-removed');
        window.location.replace('#/');
        return true;
      }
      await reload();
      return true;
    },
  };
}

/** What a device plays now, as one line ("Big Buck Bunny · 12:34"), or null. */
export function useNowPlayingText(): (d: Device) => string | null {
  const rt = useRuntime();
  const lang = useLanguage();
  const t = useT();
  const catalogue = useStore(rt.home, (s) => s.page?.catalogue);
  return (d) => {
    const np = d.nowPlaying;
    if (!np) return null;
    const program = catalogue?.find((p) => p.id === np.programId);
    const title = program ? programTitle(program, lang) : np.programId;
    return t(np.paused ? 'devices.paused' : 'devices.playing', { title, position: describeBreakpoint(np.breakpoint, lang) });
  };
}

/** One device row (desktop/phone). */
function DeviceRow({ device, model, me }: { device: Device; model: DevicesModel; me: boolean }) {
  const t = useT();
  const lang = useLanguage();
  const now = useNow();
  const nowPlaying = useNowPlayingText()(device);
  const [mode, setMode] = useState<'view' | 'rename' | 'remove'>('view');
  const [name, setName] = useState(device.name);
  const [type, setType] = useState<TerminalType>(device.type);
  const inputId = useId();
  const typeId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (mode === 'rename') inputRef.current?.focus();
  }, [mode]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (name.trim() === '') return;
    if (await model.rename(device.id, name, type !== device.type ? type : undefined)) setMode('view');
  };
  const seen = device.lastSeenAt === null ? t('devices.neverSeen') : t('devices.lastSeen', { when: formatRelative(device.lastSeenAt, now, lang, t) });

  return (
    <li className="device" data-testid="device" data-terminal-id={device.id} data-this={me ? 'true' : undefined}>
      <span className="device-icon" aria-hidden="true">
        <TerminalIcon type={device.type} size={22} />
      </span>
      <div className="device-body">
        <p className="device-name">
          <strong>{device.name}</strong>
          {me && <span className="badge">{t('devices.thisDevice')}</span>}
        </p>
        <p className="muted device-meta">
          {t('type', { type: device.type })} · {seen}
        </p>
        {nowPlaying && (
          <p className="device-playing" data-testid="device-playing">
            <Icon name={device.nowPlaying?.paused ? 'pause' : 'play'} size={14} /> {nowPlaying}
          </p>
        )}
        {mode === 'rename' && (
          <form className="device-rename" onSubmit={(e) => void submit(e)}>
            <label htmlFor={inputId}>{t('devices.newName')}</label>
            <input id={inputId} ref={inputRef} value={name} maxLength={40} onChange={(e) => setName(e.target.value)} required />
            <label htmlFor={typeId}>{t('devices.type')}</label>
            <select id={typeId} value={type} data-testid="device-type" onChange={(e) => setType(e.target.value as TerminalType)}>
              {TERMINAL_TYPES.map((tt) => (
                <option key={tt} value={tt}>
                  {t('type', { type: tt })}
                </option>
              ))}
            </select>
            <p className="muted">{t('devices.type.hint')}</p>
            <div className="row-actions">
              <button type="submit" className="btn btn-primary btn-sm" disabled={model.busy}>
                {t('devices.save')}
              </button>
              <button type="button" className="btn btn-ghost btn-sm" onClick={() => setMode('view')}>
                {t('settings.cancel')}
              </button>
            </div>
          </form>
        )}
        {mode === 'remove' && (
          <div className="device-confirm" role="alert">
            <p>{t(me ? 'devices.remove.confirmThis' : 'devices.remove.confirm', { name: device.name })}</p>
            <div className="row-actions">
              <button type="button" className="btn btn-danger btn-sm" disabled={model.busy} onClick={() => void model.remove(device.id)}>
                {t('devices.remove.yes')}
              </button>
              <button type="button" className="btn btn-ghost btn-sm" onClick={() => setMode('view')}>
                {t('settings.cancel')}
              </button>
            </div>
          </div>
        )}
        {mode === 'view' && (
          <div className="row-actions device-actions">
            <button type="button" className="btn btn-ghost btn-sm" aria-label={t('devices.rename.label', { name: device.name })} onClick={() => setMode('rename')}>
              {t('devices.rename')}
            </button>
            <button type="button" className="btn btn-ghost btn-sm" aria-label={t('devices.remove.label', { name: device.name })} onClick={() => setMode('remove')}>
              {t('devices.remove')}
            </button>
          </div>
        )}
      </div>
    </li>
  );
}

/** The Devices section of the settings dialog. */
export function DevicesSection() {
  const rt = useRuntime();
  const t = useT();
  const myId = useStore(rt.session, (s) => s.identity?.terminalId ?? null);
  const model = useDevices();
  const headingId = useId();
  return (
    <section className="settings-section" aria-labelledby={headingId} data-testid="devices">
      <h3 id={headingId}>{t('devices.title')}</h3>
      {model.error && (
        <p className="form-error" role="alert">
          <Icon name="alert" size={18} /> {errorText(model.error, t)}
        </p>
      )}
      {model.devices === null && !model.error && <p className="muted">{t('app.loading')}</p>}
      {model.devices?.length === 0 && <p className="muted">{t('devices.empty')}</p>}
      {model.devices && (
        <ul className="devices">
          {model.devices.map((d) => (
            <DeviceRow key={d.id} device={d} model={model} me={d.id === myId} />
          ))}
        </ul>
      )}
    </section>
  );
}
