/** The media library's ffmpeg in the PC app: bundled, else PATH, else a clear message. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { chooseFfmpeg } from './ffmpeg-bundle.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const base = { platform: 'linux' as const, arch: 'x64', packaged: true, resourcesPath: '/opt/ra/resources', appPath: '/opt/ra/resources/app.asar', pathEnv: '/usr/bin:/bin' };

describe('ffmpeg for the embedded server', () => {
  it('packaged: the binaries in resources/ffmpeg, given to the server as RA_FFMPEG / RA_FFPROBE', () => {
    const c = chooseFfmpeg({ ...base, exists: (p) => p.startsWith('/opt/ra/resources/ffmpeg/') });
    expect(c).toMatchObject({ source: 'bundled', env: { RA_FFMPEG: '/opt/ra/resources/ffmpeg/ffmpeg', RA_FFPROBE: '/opt/ra/resources/ffmpeg/ffprobe' } });
    const win = chooseFfmpeg({ ...base, platform: 'win32', resourcesPath: 'C:\\ra', exists: (p) => p.endsWith('.exe') });
    expect(win.env.RA_FFMPEG).toMatch(/ffmpeg\.exe$/);
  });

  it('no bundled binaries: PATH, saying why; none at all: says so with how to install', () => {
    expect(chooseFfmpeg({ ...base, exists: (p) => p.startsWith('/usr/bin/') })).toMatchObject({ source: 'path', env: {}, message: expect.stringMatching(/ships no ffmpeg for linux-x64 .*; using ffmpeg from PATH$/) });
    const none = chooseFfmpeg({ ...base, arch: 'riscv64', exists: () => false });
    expect(none.source).toBe('none');
    expect(none.message).toContain('ships no ffmpeg for linux-riscv64');
    expect(none.message).toContain('cannot be packaged');
    expect(none.message).toContain('sudo apt install ffmpeg');
    expect(chooseFfmpeg({ ...base, platform: 'darwin', arch: 'arm64', exists: () => false }).message).toContain('brew install ffmpeg');
  });

  it('unpackaged: build/ffmpeg/<platform>-<arch> of the repository, else PATH (this machine: PATH)', () => {
    expect(chooseFfmpeg({ ...base, packaged: false, appPath: '/src/ra', exists: (p) => p.startsWith('/src/ra/build/ffmpeg/linux-x64/') }).env).toEqual({ RA_FFMPEG: '/src/ra/build/ffmpeg/linux-x64/ffmpeg', RA_FFPROBE: '/src/ra/build/ffmpeg/linux-x64/ffprobe' });
    const here = chooseFfmpeg({ ...base, packaged: false, platform: process.platform, arch: process.arch, appPath: ROOT, pathEnv: process.env.PATH ?? '' });
    if (!existsSync(`${ROOT}/build/ffmpeg`)) expect(here.source).toBe(spawnSync('ffmpeg', ['-version']).status === 0 ? 'path' : 'none');
  });
});
