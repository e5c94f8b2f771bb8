/**
 * "Start on boot" for set-top boxes and shop PCs: the OS's own autostart entry, installed (or
 * removed) from the Household menu or by the provisioning file's `startOnBoot`.
 *
 * - Linux: an XDG autostart entry, `$XDG_CONFIG_HOME/autostart/resume-anywhere.desktop`
 *   (freedesktop Desktop Application Autostart spec; GNOME, KDE, Xfce, LXQt read it at login).
 *   In set-top mode it runs a small launcher script beside it that starts the app again after a
 *   crash (non-zero exit) — a TV box driven by a remote has nobody to restart it — and stops
 *   when the app is quit on purpose (exit 0) or keeps crashing (10 times within a minute each).
 *   Both supervisors set RA_SUPERVISED=1: the app then exits after a fatal error instead of
 *   starting a copy of itself (main/app.ts `relaunch`), so it stays supervised.
 * - macOS: in set-top mode a LaunchAgent (`~/Library/LaunchAgents/<appId>.plist`, RunAtLoad,
 *   KeepAlive on unsuccessful exit: launchd restarts it after a crash); otherwise a login item
 *   (`app.setLoginItemSettings`, SMAppService).
 * - Windows: the registry run key HKCU\Software\Microsoft\Windows\CurrentVersion\Run, written
 *   by `app.setLoginItemSettings({ openAtLogin, path, args })`. A crash in set-top mode is
 *   handled inside the app (relaunch on an uncaught error, main/app.ts).
 *
 * Files are written through injected fs functions, the login item through an injected
 * `setLoginItemSettings`, so every branch is unit-tested on any OS.
 */
import { join } from 'node:path';

/** How the app is started by the OS. */
export interface LaunchCommand {
  /** The executable: the AppImage file ($APPIMAGE) when run from one, else process.execPath. */
  executable: string;
  /** Arguments before ours (the app path when unpackaged). */
  args: string[];
}

/** What installing needs. */
export interface AutostartDeps {
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
  home: string;
  appId: string;
  command: LaunchCommand;
  writeFile: (path: string, text: string, mode: number) => void;
  removeFile: (path: string) => void;
  exists: (path: string) => boolean;
  mkdir: (path: string) => void;
  /** Electron's `app.setLoginItemSettings` (macOS, Windows). */
  setLoginItemSettings: (settings: { openAtLogin: boolean; path?: string; args?: string[]; name?: string }) => void;
}

/** Quote one argument for a POSIX shell. */
export function shQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Quote one argument of a desktop entry's Exec key (freedesktop: \", \`, \$, \\ inside quotes). */
export function execQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `"${arg.replace(/(["`$\\])/g, '\\$1')}"`;
}

/** The Linux launcher that restarts the app after a crash. */
export function relaunchScript(command: LaunchCommand, extra: string[]): string {
  const run = [command.executable, ...command.args, ...extra].map(shQuote).join(' ');
  return `#!/bin/sh
# Written by Resume Anywhere ("Start on boot" in set-top mode). Starts the app, and starts it
# again after a crash; stops when it is quit on purpose (exit 0) or crashes 10 times in a row
# within a minute each.
# The app only exits after a fatal error; it does not start a copy of itself (RA_SUPERVISED).
export RA_SUPERVISED=1
crashes=0
while :; do
  started=$(date +%s)
  ${run} && exit 0
  [ $(( $(date +%s) - started )) -ge 60 ] && crashes=0
  crashes=$((crashes + 1))
  [ "$crashes" -ge 10 ] && exit 1
  sleep 3
done
`;
}

/** The XDG autostart entry. */
export function autostartEntry(exec: string[]): string {
  return `[Desktop Entry]
Type=Application
Name=Resume Anywhere
Comment=Start Resume Anywhere at login
Exec=${exec.map(execQuote).join(' ')}
X-GNOME-Autostart-enabled=true
NoDisplay=false
Terminal=false
`;
}

/** The macOS LaunchAgent that keeps a set-top app running. */
export function launchAgentPlist(label: string, argv: string[]): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>Label</key><string>${esc(label)}</string>
  <key>ProgramArguments</key>
  <array>
${argv.map((a) => `    <string>${esc(a)}</string>`).join('\n')}
  </array>
  <key>EnvironmentVariables</key><dict><key>RA_SUPERVISED</key><string>1</string></dict>
  <key>RunAtLoad</key><true/>
  <key>KeepAlive</key><dict><key>SuccessfulExit</key><false/></dict>
  <key>ThrottleInterval</key><integer>5</integer>
</dict>
</plist>
`;
}

/** Where the files go. */
export function autostartPaths(d: Pick<AutostartDeps, 'env' | 'home' | 'appId'>): { desktop: string; script: string; plist: string } {
  const config = d.env.XDG_CONFIG_HOME || join(d.home, '.config');
  const data = d.env.XDG_DATA_HOME || join(d.home, '.local', 'share');
  return {
    desktop: join(config, 'autostart', 'resume-anywhere.desktop'),
    script: join(data, 'resume-anywhere', 'start-on-boot.sh'),
    plist: join(d.home, 'Library', 'LaunchAgents', `${d.appId}.plist`),
  };
}

/** Install (on) or remove (off) the autostart entry; `kiosk` starts in set-top mode with relaunch. */
export function setStartOnBoot(d: AutostartDeps, on: boolean, kiosk: boolean): string {
  const paths = autostartPaths(d);
  const extra = kiosk ? ['--kiosk'] : [];
  switch (d.platform) {
    case 'win32':
      d.setLoginItemSettings({ openAtLogin: on, path: d.command.executable, args: [...d.command.args, ...extra], name: 'Resume Anywhere' });
      return 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run';
    case 'darwin':
      if (on && kiosk) {
        d.setLoginItemSettings({ openAtLogin: false });
        d.mkdir(join(paths.plist, '..'));
        d.writeFile(paths.plist, launchAgentPlist(d.appId, [d.command.executable, ...d.command.args, ...extra]), 0o644);
      } else {
        if (d.exists(paths.plist)) d.removeFile(paths.plist);
        d.setLoginItemSettings({ openAtLogin: on });
      }
      return on && kiosk ? paths.plist : 'login items';
    default:
      if (!on) {
        for (const p of [paths.desktop, paths.script]) if (d.exists(p)) d.removeFile(p);
        return paths.desktop;
      }
      d.mkdir(join(paths.desktop, '..'));
      if (kiosk) {
        d.mkdir(join(paths.script, '..'));
        d.writeFile(paths.script, relaunchScript(d.command, extra), 0o755);
        d.writeFile(paths.desktop, autostartEntry([paths.script]), 0o644);
      } else {
        if (d.exists(paths.script)) d.removeFile(paths.script);
        d.writeFile(paths.desktop, autostartEntry([d.command.executable, ...d.command.args]), 0o644);
      }
      return paths.desktop;
  }
}

/** Whether the entry is installed (Linux and macOS set-top: the file; else the login item). */
export function isStartOnBoot(d: Pick<AutostartDeps, 'platform' | 'env' | 'home' | 'appId' | 'exists'>, loginItem: () => boolean): boolean {
  const paths = autostartPaths(d);
  if (d.platform === 'linux' || d.platform === 'freebsd' || d.platform === 'openbsd') return d.exists(paths.desktop);
  if (d.platform === 'darwin' && d.exists(paths.plist)) return true;
  return loginItem();
}
