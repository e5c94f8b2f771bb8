/**
 * ffmpeg and ffprobe as child processes (never a shell string, never on the event loop):
 * locating them on PATH with a how-to-install message when absent, running ffprobe for JSON,
 * and running ffmpeg with `-progress` so a job can report percent, speed and ETA.
 */
import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';

/** Raised when ffmpeg/ffprobe is not installed; the message says how to install it. */
export class FfmpegMissingError extends Error {
  override name = 'FfmpegMissingError';
}

/** Raised when ffmpeg/ffprobe ran and failed; `detail` holds its last error lines. */
export class FfmpegFailedError extends Error {
  override name = 'FfmpegFailedError';
  /** ffmpeg's last stderr lines. */
  readonly detail: string;
  constructor(message: string, detail: string) {
    super(message);
    this.detail = detail;
  }
}

/** How to install ffmpeg, per platform (shown when it is missing). */
export const INSTALL_HINT =
  'ffmpeg and ffprobe are needed on PATH to add media. Install them: Debian/Ubuntu `sudo apt-get install ffmpeg`, ' +
  'Fedora `sudo dnf install ffmpeg`, macOS `brew install ffmpeg`, Windows `winget install Gyan.FFmpeg` (then open a new terminal).';

/** Names of the binaries (RA_FFMPEG / RA_FFPROBE override, for a build outside PATH). */
export const FFMPEG = process.env.RA_FFMPEG || 'ffmpeg';
export const FFPROBE = process.env.RA_FFPROBE || 'ffprobe';

/** Scheduling priority of ffmpeg/ffprobe children (POSIX nice; 10 = background). */
export const NICE = 10;

/** One progress sample of a running ffmpeg. */
export interface FfmpegProgress {
  /** Media time produced so far, ms. */
  outTimeMs: number;
  /** Processing speed as a multiple of real time (e.g. 3.2 = 3.2× realtime); 0 when unknown. */
  speed: number;
}

/** Options of one ffmpeg run. */
export interface RunOptions {
  cwd?: string;
  onProgress?: (p: FfmpegProgress) => void;
  signal?: AbortSignal;
}

function missing(bin: string, err: NodeJS.ErrnoException): Error {
  return err.code === 'ENOENT' ? new FfmpegMissingError(`${bin} not found. ${INSTALL_HINT}`) : err;
}

/** Run a binary, collect stdout (bounded) and the stderr tail. */
function run(bin: string, args: string[], opts: RunOptions & { maxStdout?: number; lineHandler?: (line: string) => void }) {
  return new Promise<string>((resolve, reject) => {
    const child = spawn(bin, args, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'], signal: opts.signal });
    // Packaging is background work: at a lower priority it takes only the CPU that requests
    // (heartbeats, home pages, media) leave over. Where that is not allowed, it runs as is.
    if (child.pid !== undefined) {
      try {
        setPriority(child.pid, NICE);
      } catch {
        // not permitted here
      }
    }
    let stdout = '';
    let stderr = '';
    let pending = '';
    const max = opts.maxStdout ?? 32 * 1024 * 1024;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      if (opts.lineHandler) {
        pending += chunk;
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const l of lines) opts.lineHandler(l);
      } else if (stdout.length < max) stdout += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    child.on('error', (err) => reject(missing(bin, err)));
    child.on('close', (code, sig) => {
      if (code === 0) return resolve(stdout);
      const why = sig ? `was stopped (${sig})` : `exited with ${code}`;
      reject(new FfmpegFailedError(`${bin} ${why}`, stderr.trim().split('\n').slice(-8).join('\n')));
    });
  });
}

/** ffprobe a file: format, streams and chapters as JSON. */
export async function ffprobeJson(file: string, signal?: AbortSignal): Promise<unknown> {
  const out = await run(FFPROBE, ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', '-show_chapters', '--', file], { signal });
  return JSON.parse(out) as unknown;
}

/**
 * Mean seconds between keyframes of a video stream over its first `windowSec` (packet flags
 * only: nothing is decoded); null when the stream shows fewer than two keyframes there.
 */
export async function keyframeIntervalSec(file: string, streamIndex: number, windowSec = 60, signal?: AbortSignal): Promise<number | null> {
  const out = await run(FFPROBE, ['-v', 'error', '-read_intervals', `%+${windowSec}`, '-select_streams', String(streamIndex), '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', '--', file], { signal });
  const times = out
    .split('\n')
    .filter((l) => l.includes('K'))
    .map((l) => Number.parseFloat(l.split(',')[0] ?? ''))
    .filter((t) => Number.isFinite(t));
  if (times.length < 2) return null;
  return ((times.at(-1) as number) - (times[0] as number)) / (times.length - 1);
}

/** Run ffmpeg with `args` (input/output options); progress comes from `-progress pipe:1`. */
export async function ffmpeg(args: string[], opts: RunOptions = {}): Promise<void> {
  let outTimeMs = 0;
  let speed = 0;
  await run(FFMPEG, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-progress', 'pipe:1', '-nostats', ...args], {
    ...opts,
    lineHandler: (line) => {
      const eq = line.indexOf('=');
      if (eq < 0) return;
      const key = line.slice(0, eq);
      const value = line.slice(eq + 1).trim();
      if (key === 'out_time_us' || key === 'out_time_ms') {
        // Both keys carry microseconds (ffmpeg's historic misnomer).
        const us = Number(value);
        if (Number.isFinite(us) && us >= 0) outTimeMs = us / 1000;
      } else if (key === 'speed') {
        const s = Number.parseFloat(value);
        speed = Number.isFinite(s) ? s : 0;
      } else if (key === 'progress') {
        opts.onProgress?.({ outTimeMs, speed });
      }
    },
  });
}

/** Run ffmpeg and return what it printed on stdout (analysis filters writing to `file=-`). */
export function ffmpegOutput(args: string[], opts: RunOptions = {}): Promise<string> {
  return run(FFMPEG, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args], opts);
}

/** Check both binaries run; throws FfmpegMissingError with the install hint. */
export async function checkFfmpeg(): Promise<void> {
  await run(FFMPEG, ['-version'], {});
  await run(FFPROBE, ['-version'], {});
}
