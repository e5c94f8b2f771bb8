/**
 * The Electron main process's entry: parse the command line, take the single-instance lock,
 * find the app's files and the OS log folder, read the provisioning file, and start the app
 * (main/app.ts, which owns every behaviour through the small modules beside it — none of which
 * imports Electron, so all of them are unit-tested without its binary).
 */
import { resolve, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// Named imports (Electron's ESM entry exports these by name), gathered into one object.
import { app, BrowserWindow, clipboard, dialog, ipcMain, Menu, net, powerMonitor, powerSaveBlocker, protocol, safeStorage, screen, session, shell, utilityProcess } from 'electron';
import ElectronStore from 'electron-store';
import { startPcApp, type ElectronApi } from './app.ts';
import { parseLaunchArgs } from './args.ts';
import { appLogger } from './logging.ts';
import { loadProvisioning } from './provisioning.ts';
import type { StoreBackend, StoreOptions } from './store-open.ts';

const electron: ElectronApi = { app, BrowserWindow, clipboard, dialog, ipcMain, Menu, net, powerMonitor, powerSaveBlocker, protocol, safeStorage, screen, session, shell, utilityProcess };
const args = parseLaunchArgs(process.argv, process.env);
if (args.dataDir) app.setPath('userData', resolve(args.dataDir));
// Default log folder, computed after userData moved: ~/Library/Logs/<app> (macOS), <userData>/logs.
app.setAppLogsPath();
const log = appLogger(app.getPath('logs'));
for (const w of args.warnings) log.warn(w);

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const resources = app.isPackaged ? process.resourcesPath : app.getAppPath();

if (!app.requestSingleInstanceLock()) {
  log.info('another instance is running; handing over to it');
  app.exit(0);
} else {
  startPcApp({
    electron,
    args,
    provisioning: loadProvisioning(args.configFile, process.platform, process.env),
    log,
    paths: {
      preload: here('./preload.cjs'),
      server: here('./server.mjs'),
      webDir: app.isPackaged ? join(resources, 'web') : join(resources, 'renderer', 'dist'),
      mediaDir: app.isPackaged ? join(resources, 'media') : join(resources, 'server-mock', 'demo', 'media'),
      icon: app.isPackaged ? join(resources, 'icon.png') : join(resources, 'build', 'icon.png'),
      userData: app.getPath('userData'),
      logs: app.getPath('logs'),
    },
    createStore: (o: StoreOptions) => new ElectronStore(o as never) as unknown as StoreBackend,
  });
}
