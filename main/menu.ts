/**
 * The application menu (desktop mode only; kiosk has none): the standard roles of each
 * platform, plus a "Household" menu that shows the embedded server's status and the address a
 * TV or phone opens, and the set-top launch setting. A pure template builder: main/index.ts
 * passes the actions and rebuilds the menu when the status changes.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { ServerStatus } from '../common/ipc.ts';
import { KIOSK_EXIT_CHORD } from './kiosk.ts';

/** What the menu shows and does. */
export interface MenuInputs {
  isMac: boolean;
  appName: string;
  server: ServerStatus;
  /** The stored "start in set-top mode" setting. */
  kioskAtStart: boolean;
  /** The stored "let the LAN join" setting. */
  lanAccess: boolean;
  /** Whether the OS starts the app at login (main/autostart.ts). */
  startOnBoot: boolean;
  /** The folder of main.log and server.log (shown in Help). */
  logFolder: string;
  /** Settings fixed by a provisioning file (nothing to change here then). */
  provisioned: boolean;
  actions: {
    copyText(text: string): void;
    setKioskAtStart(on: boolean): void;
    enterKioskNow(): void;
    setLanAccess(on: boolean): void;
    openDataFolder(): void;
    openServerLog(): void;
    openLogFolder(): void;
    setStartOnBoot(on: boolean): void;
  };
}

/** One line that says what the household server is doing. */
export function serverStatusLabel(s: ServerStatus): string {
  if (s.mode === 'remote') return s.url ? `Server: ${s.url} (remote)` : 'Server: remote';
  switch (s.state) {
    case 'running':
      return `Household server: running at ${s.url ?? '?'}`;
    case 'starting':
      return 'Household server: starting…';
    case 'failed':
      return `Household server: failed — ${s.error ?? 'unknown error'}`;
    case 'stopped':
      return 'Household server: stopped';
    default: {
      const never: never = s.state;
      return String(never);
    }
  }
}

/** The whole menu. */
export function menuTemplate(m: MenuInputs): MenuItemConstructorOptions[] {
  const tvUrl = m.server.lanUrls[0] ?? null;
  const household: MenuItemConstructorOptions = {
    label: 'Household',
    submenu: [
      { label: serverStatusLabel(m.server), enabled: false },
      ...m.server.lanUrls.map((u): MenuItemConstructorOptions => ({ label: `TVs and phones open: ${u}`, enabled: false })),
      ...(m.server.lanUrls.length === 0 && m.server.mode === 'embedded' && m.server.state === 'running'
        ? [{ label: 'Only this PC can open it (LAN access is off)', enabled: false } as MenuItemConstructorOptions]
        : []),
      { type: 'separator' },
      { label: 'Copy the Address for a TV or Phone', enabled: tvUrl !== null, click: () => tvUrl && m.actions.copyText(tvUrl) },
      {
        label: 'Let TVs and Phones on This Network Join',
        type: 'checkbox',
        checked: m.lanAccess,
        enabled: m.server.mode === 'embedded',
        click: (item) => m.actions.setLanAccess(item.checked),
      },
      { type: 'separator' },
      { label: 'Start in Set-top (Kiosk) Mode', type: 'checkbox', checked: m.kioskAtStart, enabled: !m.provisioned, click: (item) => m.actions.setKioskAtStart(item.checked) },
      { label: 'Start When I Log In', type: 'checkbox', checked: m.startOnBoot, click: (item) => m.actions.setStartOnBoot(item.checked) },
      { label: `Enter Set-top Mode Now (leave with ${KIOSK_EXIT_CHORD})`, click: () => m.actions.enterKioskNow() },
      { type: 'separator' },
      { label: 'Open Data Folder', click: () => m.actions.openDataFolder() },
      { label: 'Open Server Log', enabled: m.server.mode === 'embedded', click: () => m.actions.openServerLog() },
    ],
  };
  return [
    ...(m.isMac ? [{ label: m.appName, role: 'appMenu' } as MenuItemConstructorOptions] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    household,
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        { label: `Leave set-top mode: ${KIOSK_EXIT_CHORD}`, enabled: false },
        { type: 'separator' },
        { label: `Logs: ${m.logFolder}`, enabled: false },
        { label: 'Open Log Folder', click: () => m.actions.openLogFolder() },
      ],
    },
  ];
}
