/**
 * Which ffmpeg/ffprobe the embedded server's media library uses (docs/LIBRARY.md "ffmpeg in the
 * PC app"): binaries shipped in the package's `resources/ffmpeg/` when a build put them there
 * (electron-builder.yml copies `build/ffmpeg/<platform>-<arch>/`), else the ffmpeg on PATH, else
 * none — and then the log says so plainly, with how to install it. The chosen paths reach the
 * server as RA_FFMPEG / RA_FFPROBE (server-mock/library/ffmpeg.ts).
 *
 * Why no npm package fills `build/ffmpeg` by itself (evaluated on the registry): the packages
 * that carry the binary inside their tarball, @ffmpeg-installer/<platform>-<arch> (1.1.0), ship
 * an ffmpeg git build of 2018 whose dash muxer lacks `-hls_master_name` (ffmpeg ≥ 4.3), which the
 * library's CMAF packaging needs: packaging failed with it in main/library.test.ts. ffmpeg-static
 * (5.3.0, ffmpeg 6) downloads its binary from GitHub in an install script, so it is not a registry
 * package and fails where only the registry is reachable. ffprobe from @ffprobe-installer (5.2)
 * would do, but ffprobe alone packages nothing.
 */
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Where the binaries were found. */
export interface FfmpegChoice {
  /** `bundled`: shipped with the app; `path`: the system's; `none`: the library cannot package. */
  source: 'bundled' | 'path' | 'none';
  /** Environment for the server process (RA_FFMPEG / RA_FFPROBE when bundled). */
  env: Record<string, string>;
  /** One line for the log. */
  message: string;
}

/** What the lookup reads. */
export interface FfmpegLookup {
  platform: NodeJS.Platform;
  arch: string;
  packaged: boolean;
  /** process.resourcesPath (packaged) */
  resourcesPath: string;
  /** The app's folder (unpackaged: the repository). */
  appPath: string;
  /** The PATH variable. */
  pathEnv: string;
  exists?: (p: string) => boolean;
}

/** How to install ffmpeg by hand, per OS. */
export function installHint(platform: NodeJS.Platform): string {
  if (platform === 'win32') return 'install it (winget install ffmpeg) and restart the app';
  if (platform === 'darwin') return 'install it (brew install ffmpeg) and restart the app';
  return 'install it (sudo apt install ffmpeg, or your distribution’s package) and restart the app';
}

/** Choose the binaries: bundled, else PATH, else none (with a clear message). */
export function chooseFfmpeg(o: FfmpegLookup): FfmpegChoice {
  const exists = o.exists ?? existsSync;
  const exe = o.platform === 'win32' ? '.exe' : '';
  const target = `${o.platform}-${o.arch}`;
  // Unpackaged (`npm start`): build/ffmpeg/<platform>-<arch> of the repository, if someone put binaries there.
  const dir = o.packaged ? join(o.resourcesPath, 'ffmpeg') : join(o.appPath, 'build', 'ffmpeg', target);
  const candidates = [{ ffmpeg: join(dir, `ffmpeg${exe}`), ffprobe: join(dir, `ffprobe${exe}`) }];
  for (const c of candidates) {
    if (exists(c.ffmpeg) && exists(c.ffprobe)) {
      return { source: 'bundled', env: { RA_FFMPEG: c.ffmpeg, RA_FFPROBE: c.ffprobe }, message: `media library: using the bundled ffmpeg (${c.ffmpeg})` };
    }
  }
  const onPath = (name: string) => o.pathEnv.split(o.platform === 'win32' ? ';' : delimiter).some((dir) => dir && exists(join(dir, `${name}${exe}`)));
  // No registry package carries a recent enough ffmpeg for any platform (see the top of this file).
  const why = `this build of the app ships no ffmpeg for ${target} (no registry package carries a usable one)`;
  if (onPath('ffmpeg') && onPath('ffprobe')) return { source: 'path', env: {}, message: `media library: ${why}; using ffmpeg from PATH` };
  return { source: 'none', env: {}, message: `media library: ${why} and none is on PATH — your own films cannot be packaged until you ${installHint(o.platform)}` };
}
