/**
 * The application menu (desktop mode only; kiosk has none): the standard roles of each
 * platform, plus a "Household" menu that shows the embedded server's status and the address a
 * TV or phone opens, the library's Add Folder…, and the set-top launch setting. A pure
 * template builder: main/app.ts passes the actions and the translate function of the app's
 * language (common/i18n) and rebuilds the menu when the status or the language changes.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { ServerStatus } from '../common/ipc.ts';
import type { Translate } from '../common/i18n/index.ts';
import { KIOSK_EXIT_CHORD } from './kiosk.ts';

/** What the menu shows and does. */
export interface MenuInputs {
  isMac: boolean;
  appName: string;
  /** Messages in the app's language (the renderer's setting, else the OS's). */
  t: Translate;
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
    /** Household → Add Folder…: the native folder dialog, then the embedded server's library. */
    addLibraryFolder(): void;
  };
}

/** One line that says what the household server is doing. */
export function serverStatusLabel(s: ServerStatus, t: Translate): string {
  if (s.mode === 'remote') return t('pc.menu.server.remote', { url: s.url ?? 'none' });
  switch (s.state) {
    case 'running':
      return t('pc.menu.server.running', { url: s.url ?? '?' });
    case 'starting':
      return t('pc.menu.server.starting');
    case 'failed':
      return t('pc.menu.server.failed', { error: s.error ?? t('pc.menu.server.unknownError') });
    case 'stopped':
      return t('pc.menu.server.stopped');
    default: {
      const never: never = s.state;
      return String(never);
    }
  }
}

/** The whole menu. */
export function menuTemplate(m: MenuInputs): MenuItemConstructorOptions[] {
  const { t } = m;
  const tvUrl = m.server.lanUrls[0] ?? null;
  const household: MenuItemConstructorOptions = {
    label: t('pc.menu.household'),
    submenu: [
      { label: serverStatusLabel(m.server, t), enabled: false },
      ...m.server.lanUrls.map((u): MenuItemConstructorOptions => ({ label: t('pc.menu.lanUrl', { url: u }), enabled: false })),
      ...(m.server.lanUrls.length === 0 && m.server.mode === 'embedded' && m.server.state === 'running'
        ? [{ label: t('pc.menu.lanOff'), enabled: false } as MenuItemConstructorOptions]
        : []),
      { type: 'separator' },
      { label: t('pc.menu.copyAddress'), enabled: tvUrl !== null, click: () => tvUrl && m.actions.copyText(tvUrl) },
      {
        label: t('pc.menu.lanAccess'),
        type: 'checkbox',
        checked: m.lanAccess,
        enabled: m.server.mode === 'embedded',
        click: (item) => m.actions.setLanAccess(item.checked),
      },
      { type: 'separator' },
      { label: t('pc.menu.kioskAtStart'), type: 'checkbox', checked: m.kioskAtStart, enabled: !m.provisioned, click: (item) => m.actions.setKioskAtStart(item.checked) },
      { label: t('pc.menu.startOnBoot'), type: 'checkbox', checked: m.startOnBoot, click: (item) => m.actions.setStartOnBoot(item.checked) },
      { label: t('pc.menu.enterKiosk', { chord: KIOSK_EXIT_CHORD }), click: () => m.actions.enterKioskNow() },
      { type: 'separator' },
      { label: t('pc.menu.addFolder'), enabled: m.server.mode === 'embedded' && m.server.state === 'running', click: () => m.actions.addLibraryFolder() },
      { type: 'separator' },
      { label: t('pc.menu.openDataFolder'), click: () => m.actions.openDataFolder() },
      { label: t('pc.menu.openServerLog'), enabled: m.server.mode === 'embedded', click: () => m.actions.openServerLog() },
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
        { label: t('pc.menu.leaveKiosk', { chord: KIOSK_EXIT_CHORD }), enabled: false },
        { type: 'separator' },
        { label: t('pc.menu.logs', { folder: m.logFolder }), enabled: false },
        { label: t('pc.menu.openLogFolder'), click: () => m.actions.openLogFolder() },
      ],
    },
  ];
}
