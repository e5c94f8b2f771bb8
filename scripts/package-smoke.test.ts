/** The package smoke script's pieces (the whole runs only where an Electron binary exists). */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { locateElectronBinary } from './build-electron.ts';
import { smokeCommand, smokeProgress, unpackedExecutable } from './package-smoke.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

describe('package:smoke', () => {
  it('knows where electron-builder --dir puts the executable', () => {
    expect(unpackedExecutable('linux', '/o', 'x64')).toBe('/o/linux-unpacked/resume-anywhere');
    expect(unpackedExecutable('linux', '/o', 'arm64')).toBe('/o/linux-arm64-unpacked/resume-anywhere');
    expect(unpackedExecutable('win32', '/o')).toMatch(/win-unpacked.Resume Anywhere\.exe$/);
    expect(unpackedExecutable('darwin', '/o', 'arm64')).toBe('/o/mac-arm64/Resume Anywhere.app/Contents/MacOS/Resume Anywhere');
  });

  it('starts it under Xvfb with a 1920×1080 screen when there is no display, --no-sandbox as root', () => {
    expect(smokeCommand('/x/app', '/d', { needsXvfb: true, uid: 0 })).toEqual({ command: 'xvfb-run', args: ['-a', '-s', '-screen 0 1920x1080x24', '/x/app', '--data-dir=/d', '--no-lan', '--no-sandbox'] });
    expect(smokeCommand('/x/app', '/d', { needsXvfb: false, uid: 1000 })).toEqual({ command: '/x/app', args: ['--data-dir=/d', '--no-lan'] });
  });

  it('waits for the server line and the first window', () => {
    expect(smokeProgress(['[main] info household server running at http://127.0.0.1:8750'])).toEqual({ server: 'http://127.0.0.1:8750', window: false });
    expect(smokeProgress(['x', '[main] info household server running at http://127.0.0.1:8750', '[main] info window shown'])).toEqual({ server: 'http://127.0.0.1:8750', window: true });
  });

  it('here, without an Electron binary, reports itself skipped with the reason and exits 0', () => {
    if (locateElectronBinary(ROOT).ok || existsSync(join(ROOT, 'node_modules', 'electron', 'path.txt'))) return;
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'package-smoke.ts')], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^package:smoke skipped: Electron's binary was never downloaded/);
  });
});
