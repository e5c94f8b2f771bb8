/**
 * Start on boot: the entry each OS reads, written through injected fs calls; and the Linux
 * set-top launcher script, run for real with a stand-in app that crashes twice, then quits.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { autostartEntry, execQuote, isStartOnBoot, launchAgentPlist, relaunchScript, setStartOnBoot, type AutostartDeps } from './autostart.ts';

const tmp = mkdtempSync(join(tmpdir(), 'ra-autostart-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function deps(platform: NodeJS.Platform) {
  const files = new Map<string, { text: string; mode: number }>();
  const logins: unknown[] = [];
  const d: AutostartDeps = {
    platform,
    env: {},
    home: '/home/tv',
    appId: 'io.github.resume-anywhere.pc',
    command: { executable: '/opt/Resume Anywhere/resume-anywhere', args: [] },
    writeFile: (p, text, mode) => void files.set(p, { text, mode }),
    removeFile: (p) => void files.delete(p),
    exists: (p) => files.has(p),
    mkdir: () => undefined,
    setLoginItemSettings: (s) => void logins.push(s),
  };
  return { d, files, logins };
}

describe('start on boot', () => {
  it('Linux: an XDG autostart entry; in set-top mode through the relaunching launcher', () => {
    const { d, files } = deps('linux');
    expect(setStartOnBoot(d, true, false)).toBe('/home/tv/.config/autostart/resume-anywhere.desktop');
    expect(files.get('/home/tv/.config/autostart/resume-anywhere.desktop')?.text).toContain('Exec="/opt/Resume Anywhere/resume-anywhere"');
    expect(isStartOnBoot(d, () => false)).toBe(true);
    setStartOnBoot(d, true, true);
    const script = files.get('/home/tv/.local/share/resume-anywhere/start-on-boot.sh');
    expect(script?.mode).toBe(0o755);
    expect(script?.text).toContain("'/opt/Resume Anywhere/resume-anywhere' --kiosk && exit 0");
    expect(files.get('/home/tv/.config/autostart/resume-anywhere.desktop')?.text).toContain('Exec=/home/tv/.local/share/resume-anywhere/start-on-boot.sh');
    setStartOnBoot(d, false, true);
    expect(files.size).toBe(0);
    expect(isStartOnBoot(d, () => false)).toBe(false);
  });

  it('Windows: the registry run key through setLoginItemSettings, with --kiosk', () => {
    const { d, logins } = deps('win32');
    d.command = { executable: 'C:\\Program Files\\Resume Anywhere\\Resume Anywhere.exe', args: [] };
    expect(setStartOnBoot(d, true, true)).toMatch(/CurrentVersion\\Run$/);
    expect(logins).toEqual([{ openAtLogin: true, path: 'C:\\Program Files\\Resume Anywhere\\Resume Anywhere.exe', args: ['--kiosk'], name: 'Resume Anywhere' }]);
  });

  it('macOS: a KeepAlive LaunchAgent in set-top mode, else a login item', () => {
    const { d, files, logins } = deps('darwin');
    d.home = '/Users/tv';
    setStartOnBoot(d, true, true);
    const plist = files.get('/Users/tv/Library/LaunchAgents/io.github.resume-anywhere.pc.plist')?.text ?? '';
    expect(plist).toContain('<key>SuccessfulExit</key><false/>');
    expect(plist).toContain('<string>--kiosk</string>');
    expect(plist).toContain('<key>RA_SUPERVISED</key><string>1</string>');
    setStartOnBoot(d, true, false);
    expect(files.size).toBe(0);
    expect(logins.at(-1)).toEqual({ openAtLogin: true });
    expect(launchAgentPlist('a&b', ['x<y'])).toContain('<string>x&lt;y</string>');
  });

  it('quotes Exec arguments as the desktop entry spec says', () => {
    expect(execQuote('/usr/bin/app')).toBe('/usr/bin/app');
    expect(execQuote('/a b/$x"y')).toBe('"/a b/\\$x\\"y"');
    expect(autostartEntry(['/a b'])).toContain('Exec="/a b"\n');
  });

  it('the Linux launcher restarts a crashed app and stops after a deliberate quit', () => {
    const counter = join(tmp, 'runs');
    writeFileSync(counter, '0');
    const app = join(tmp, 'fake app.sh');
    // Crashes (exit 139) on runs 1 and 2, quits cleanly on run 3.
    writeFileSync(app, `#!/bin/sh\nn=$(($(cat '${counter}') + 1)); echo $n > '${counter}'; echo "$RA_SUPERVISED $@" >> '${counter}.args'; [ $n -ge 3 ] && exit 0; exit 139\n`);
    chmodSync(app, 0o755);
    const script = join(tmp, 'start-on-boot.sh');
    writeFileSync(script, relaunchScript({ executable: app, args: [] }, ['--kiosk']).replace('sleep 3', 'sleep 0'));
    chmodSync(script, 0o755);
    const r = spawnSync('/bin/sh', [script], { timeout: 20_000 });
    expect(r.status).toBe(0);
    expect(readFileSync(counter, 'utf8').trim()).toBe('3');
    // Each start is told it is supervised (it exits on a fatal error rather than starting a copy).
    expect(readFileSync(`${counter}.args`, 'utf8').trim().split('\n')).toEqual(['1 --kiosk', '1 --kiosk', '1 --kiosk']);
  });
});
