/**
 * Generates the rights-free demo media library (`npm run media`):
 *
 *   node scripts/make-media.ts [--out DIR] [--only id,id] [--force] [--artwork-only]
 *
 * For every programme of server-mock/demo/catalog.json it renders a lavfi test pattern with the
 * title and the programme position (HH:MM:SS.mmm) burned in, so a screenshot proves where a
 * terminal resumed, plus a sine beep, and packages it ONCE as fMP4 (CMAF) segments that both the
 * DASH manifest (`manifest.mpd`) and the HLS playlists (`master.m3u8`, `media_N.m3u8`) point at.
 * Output goes to `<out>/<programId>/` (default server-mock/demo/media, which is committed, so the
 * whole library must stay under 12 MB). Existing programmes are skipped unless --force.
 * Each programme's encoding shows a progress bar (ffmpeg's `-progress` stream).
 *
 * Artwork is text-free (the UI draws the localized title and the length, which an image cannot
 * keep true): `poster.jpg`, 16:9 at 1280x720, and `poster-portrait.jpg`, 2:3 at 480x720, from
 * the programme's pattern (or its own `art` source) with a soft vignette. `--artwork-only`
 * redraws just the artwork of existing programmes and leaves their segments alone.
 *
 * Encoding choices (tuned for size: ~9.7 MB of files, 11 MB on disk, for 25 minutes of media):
 * - video 320x180, 15 fps, H.264 Main without B-frames, CRF 32 capped at 80 kbit/s; static
 *   patterns land near 20-30 kbit/s, the busy testsrc2 at the cap. No B-frames so decode order
 *   equals presentation order: the DASH muxer cuts audio when the video keyframe arrives, and
 *   with B-frames that keyframe arrives early (its DTS is shifted), cutting audio ~0.12 s short.
 * - a fixed GOP of exactly one segment (no scene-cut keyframes), so every video segment lasts
 *   exactly SEG_SEC and `$Number$` maps to time by multiplication: the live emulation loops
 *   segments by number. SEG_SEC is 4, not 2: a 2-s segment is smaller than two 4-KiB disk
 *   blocks per stream, so 2-s segments cost ~16 KiB per 2 s on disk whatever the bit rate
 *   (over 12 MB for this line-up), and the fewer, larger keyframes also halve the video size.
 * - audio AAC-LC mono 24 kbit/s at 48 kHz. An AAC frame is 1024 samples (21.33 ms), so audio
 *   segments last 3.989 s or 4.011 s, never drifting more than one frame from the video grid,
 *   and every 8 s (375 frames) they line up exactly. Durations must therefore be multiples of
 *   8 s; the audio is capped at duration/21.33 ms frames, priming frame included, so that its
 *   samples tile exactly [0, duration) in the fragments' timeline (the edit list shifts them by
 *   the 1024 priming samples), with no 1-frame trailing segment: a loop has no gap or overlap.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Program } from '../common/protocol/model.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const CATALOG = path.join(ROOT, 'server-mock/demo/catalog.json');
const DEFAULT_OUT = path.join(ROOT, 'server-mock/demo/media');
const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';

const WIDTH = 320;
const HEIGHT = 180;
const FPS = 15;
/** Segment length; also the GOP length, so segments are uniform. */
const SEG_SEC = 4;
const AUDIO_RATE = 48_000;
const AAC_FRAME = 1024;
/** Smallest duration step at which audio (AAC frames) and video (segments) end together. */
const DURATION_STEP_SEC = 8;

/** How one programme looks and sounds; kept here, not in the catalogue (schema is closed). */
interface Look {
  /** lavfi video source name. */
  source: string;
  /** Extra source options (size, rate and duration are added). */
  options?: string;
  /** Filters applied to the pattern before the text (e.g. a hue shift). */
  tint?: string;
  /** Tone of the sine, Hz; a beep at twice that frequency marks every second. */
  toneHz: number;
  /**
   * The artwork's source (lavfi, size added), when the video's pattern is not fit for a poster:
   * testsrc draws a frame counter, and artwork carries no text at all (the UI draws the title).
   */
  art?: string;
}

const LOOKS: Record<string, Look> = {
  // The long one gets a cheap, almost static background: it dominates the size budget.
  'harbour-lights': { source: 'gradients', options: 'c0=0x0b3d91:c1=0x1fb5c9:seed=7:speed=0.005', toneHz: 330 },
  'dumpling-workshop': { source: 'testsrc', tint: 'hue=h=40', toneHz: 440, art: 'gradients=c0=0xffb703:c1=0xd9480f:c2=0x7f2704:n=3:type=radial:seed=3' },
  'fireside-concert': {
    source: 'gradients',
    options: 'c0=0x3a0ca3:c1=0xf72585:c2=0xffb703:n=3:type=radial:seed=11:speed=0.005',
    toneHz: 262,
  },
  'tea-break': { source: 'testsrc2', tint: 'hue=h=200', toneHz: 523, art: 'gradients=c0=0x1b4332:c1=0x95d5b2:c2=0xd8f3dc:n=3:type=spiral:seed=5' },
  // The live channel source. The server serves `live-news/live.mpd`, a dynamic manifest it
  // builds at request time from these VOD-style segments, looping them by $Number$ to emulate
  // a 24/7 channel; the static manifest.mpd / master.m3u8 here are the loop's source and a
  // debugging aid. Loop length = durationMs = 30 segments; each segment's decode time (tfdt)
  // restarts at 0 every loop, so the server must offset them (e.g. one Period per loop).
  'live-news': { source: 'smptehdbars', toneHz: 880, art: 'gradients=c0=0x0d1b2a:c1=0xc1121f:c2=0x1b263b:n=3:type=linear:seed=9' },
};

/** A font size that fits `text` into `width` px (DejaVu Sans Bold averages < 0.62 em/char). */
function fitFont(text: string, width: number, max: number): number {
  return Math.max(10, Math.min(max, Math.floor(width / (0.62 * text.length))));
}

/** A drawtext filter reading its text from a file (no escaping of titles needed). */
function drawText(file: string, size: number, extra: string): string {
  return `drawtext=fontfile=${FONT}:textfile=${file}:expansion=none:fontsize=${size}:${extra}`;
}

function sourceArg(look: Look, durationSec: number): string {
  const opts = [`size=${WIDTH}x${HEIGHT}`, `rate=${FPS}`, `duration=${durationSec}`, look.options].filter(Boolean);
  return `${look.source}=${opts.join(':')}`;
}

/**
 * Runs ffmpeg with an argument vector (never a shell string); rejects with its last error lines.
 * `onProgress` hears the output position in seconds (ffmpeg's `-progress` key=value stream).
 */
function ffmpeg(args: string[], cwd: string, onProgress?: (seconds: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const progress = onProgress ? ['-progress', 'pipe:1', '-nostats'] : [];
    const child = spawn('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...progress, ...args], {
      cwd,
      stdio: ['ignore', onProgress ? 'pipe' : 'ignore', 'pipe'],
    });
    let stderr = '';
    let pending = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        // `out_time_us` (and the misnamed `out_time_ms`, also microseconds) while encoding.
        const m = /^out_time_(?:us|ms)=(\d+)$/.exec(line.trim());
        if (m) onProgress?.(Number(m[1]) / 1e6);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`ffmpeg exited with ${code}:\n${stderr.trim()}`)),
    );
  });
}

/** A progress bar: `[██████░░░░░░]  50%` (`width` cells). */
function progressBar(fraction: number, width = 24): string {
  const f = Math.max(0, Math.min(1, Number.isFinite(fraction) ? fraction : 0));
  const full = Math.round(f * width);
  return `[${'█'.repeat(full)}${'░'.repeat(width - full)}] ${String(Math.floor(f * 100)).padStart(3)}%`;
}

/**
 * Reports one programme's encoding: on a terminal, a bar redrawn in place (at most 10 times a
 * second); otherwise (a log, CI) one line per 25 %, so the output stays readable.
 */
function progressReporter(id: string, totalSec: number): { update(seconds: number): void; done(): void } {
  const tty = process.stdout.isTTY === true;
  let lastDraw = 0;
  let lastQuarter = -1;
  const label = id.padEnd(20);
  return {
    update(seconds) {
      const f = totalSec > 0 ? seconds / totalSec : 0;
      if (tty) {
        const now = performance.now();
        if (now - lastDraw < 100) return;
        lastDraw = now;
        process.stdout.write(`\r${label} ${progressBar(f)}`);
        return;
      }
      const quarter = Math.min(4, Math.floor(f * 4));
      if (quarter > lastQuarter && quarter < 4) {
        lastQuarter = quarter;
        console.log(`${label} ${progressBar(quarter / 4)}`);
      }
    },
    done() {
      if (tty) process.stdout.write(`\r${label} ${progressBar(1)}\n`);
      else console.log(`${label} ${progressBar(1)}`);
    },
  };
}

/** Renders one programme into `dir` (an empty staging directory). */
async function render(p: Program, look: Look, dir: string, work: string, onProgress: (seconds: number) => void): Promise<void> {
  const sec = p.durationMs / 1000;
  const live = p.kind === 'live';
  writeFileSync(path.join(work, 'title.txt'), p.title);
  if (live) writeFileSync(path.join(work, 'badge.txt'), 'LIVE');

  const box = 'fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=5';
  const video = [
    look.tint,
    drawText('title.txt', fitFont(p.title, WIDTH - 100, 20), `${box}:x=(w-text_w)/2:y=10`),
    // The programme position, large: a 640-px screenshot shows which second a terminal resumed at.
    `drawtext=fontfile=${FONT}:text='%{pts\\:hms}':fontsize=32:fontcolor=yellow:box=1:boxcolor=black@0.75:boxborderw=6:x=(w-text_w)/2:y=h-text_h-16`,
    live ? drawText('badge.txt', 14, 'fontcolor=white:box=1:boxcolor=red@0.9:boxborderw=4:x=w-text_w-8:y=44') : undefined,
  ].filter(Boolean);
  await ffmpeg(
    [
      '-f', 'lavfi', '-i', sourceArg(look, sec),
      '-f', 'lavfi', '-i', `sine=frequency=${look.toneHz}:beep_factor=2:sample_rate=${AUDIO_RATE}:duration=${sec}`,
      '-map', '0:v', '-map', '1:a',
      '-vf', video.join(','),
      '-c:v', 'libx264', '-preset', 'veryslow', '-profile:v', 'main', '-pix_fmt', 'yuv420p', '-bf', '0',
      // -b:v does not switch x264 out of CRF mode here; it only declares the 80k cap as the
      // stream's bit rate, which the muxer writes as DASH @bandwidth and HLS BANDWIDTH (else
      // it guesses from the first segment, and leaves video out of the HLS master entirely).
      '-crf', '32', '-b:v', '80k', '-maxrate', '80k', '-bufsize', '160k',
      '-g', String(FPS * SEG_SEC), '-keyint_min', String(FPS * SEG_SEC), '-sc_threshold', '0',
      '-c:a', 'aac', '-profile:a', 'aac_low', '-b:a', '24k', '-ac', '1', '-ar', String(AUDIO_RATE),
      // Without this the encoder's priming frame spills into a 21-ms extra audio segment.
      '-frames:a', String(Math.floor((sec * AUDIO_RATE) / AAC_FRAME)),
      '-f', 'dash', '-seg_duration', String(SEG_SEC), '-use_template', '1', '-use_timeline', '0',
      '-single_file', '0', '-dash_segment_type', 'mp4',
      '-init_seg_name', 'init-$RepresentationID$.m4s',
      '-media_seg_name', 'chunk-$RepresentationID$-$Number%05d$.m4s',
      '-adaptation_sets', 'id=0,streams=v id=1,streams=a',
      '-hls_playlist', '1', '-hls_master_name', 'master.m3u8',
      path.join(dir, 'manifest.mpd'),
    ],
    work,
    onProgress,
  );
  // The muxer stamps every HLS segment with the wall-clock time of generation, which means
  // nothing for VOD (players may even map it to a clock) and changes every run.
  for (const name of readdirSync(dir).filter((n) => n.startsWith('media_') && n.endsWith('.m3u8'))) {
    const file = path.join(dir, name);
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.split('\n').filter((l) => !l.startsWith('#EXT-X-PROGRAM-DATE-TIME')).join('\n'));
  }

}

/** Artwork sizes: the 16:9 poster (cards, tiles) and the 2:3 portrait. */
const ARTWORK = [
  { file: 'poster.jpg', width: 1280, height: 720 },
  { file: 'poster-portrait.jpg', width: 480, height: 720 },
] as const;

/** Draws the text-free artwork of one programme into `dir`. */
async function renderArtwork(look: Look, dir: string, work: string): Promise<void> {
  for (const art of ARTWORK) {
    const size = `size=${art.width}x${art.height}`;
    const source = look.art ? `${look.art}:${size}:duration=1` : `${look.source}=${[size, 'rate=1', 'duration=1', look.options].filter(Boolean).join(':')}`;
    const filters = [look.art ? undefined : look.tint, 'vignette=angle=PI/5', 'format=yuvj420p'].filter(Boolean);
    await ffmpeg(['-f', 'lavfi', '-i', source, '-vf', filters.join(','), '-frames:v', '1', '-q:v', '4', path.join(dir, art.file)], work);
  }
}

function dirBytes(dir: string): number {
  return readdirSync(dir).reduce((sum, name) => sum + statSync(path.join(dir, name)).size, 0);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { out: { type: 'string' }, only: { type: 'string' }, force: { type: 'boolean', default: false }, 'artwork-only': { type: 'boolean', default: false } },
  });
  const out = path.resolve(values.out ?? DEFAULT_OUT);

  const probe = spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    console.error('make-media: ffmpeg not found on PATH. Install it first (Debian/Ubuntu: apt-get install ffmpeg).');
    return 1;
  }
  if (!existsSync(FONT)) {
    console.error(`make-media: font ${FONT} missing (Debian/Ubuntu: apt-get install fonts-dejavu-core).`);
    return 1;
  }

  const programs = (JSON.parse(readFileSync(CATALOG, 'utf8')) as { programs: Program[] }).programs;
  const only = values.only ? values.only.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
  const unknown = only?.filter((id) => !programs.some((p) => p.id === id)) ?? [];
  if (unknown.length > 0) {
    console.error(`make-media: not in the catalogue: ${unknown.join(', ')}`);
    return 1;
  }
  mkdirSync(out, { recursive: true });

  for (const p of programs.filter((q) => !only || only.includes(q.id))) {
    const look = LOOKS[p.id];
    if (!look) throw new Error(`${p.id}: no look in LOOKS (scripts/make-media.ts); add one`);
    if (p.durationMs % (DURATION_STEP_SEC * 1000) !== 0) {
      throw new Error(`${p.id}: durationMs must be a multiple of ${DURATION_STEP_SEC} s (see the header comment)`);
    }
    const dest = path.join(out, p.id);
    if (values['artwork-only']) {
      if (!existsSync(path.join(dest, 'manifest.mpd'))) throw new Error(`${p.id}: no media in ${dest} to draw artwork for (run without --artwork-only first)`);
      const work = mkdtempSync(path.join(tmpdir(), 'make-media-'));
      try {
        await renderArtwork(look, dest, work);
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
      const kb = ARTWORK.map((a) => `${a.file} ${(statSync(path.join(dest, a.file)).size / 1024).toFixed(0)} KB`).join(', ');
      console.log(`${p.id.padEnd(20)} artwork: ${kb}`);
      continue;
    }
    if (!values.force && ['manifest.mpd', 'master.m3u8', ...ARTWORK.map((a) => a.file)].every((f) => existsSync(path.join(dest, f)))) {
      console.log(`${p.id.padEnd(20)} exists, skipped (--force to redo)`);
      continue;
    }
    // Render into a staging dir and swap it in, so a failed run never leaves a half library
    // that the skip check above would then accept.
    const staging = path.join(out, `.${p.id}.partial`);
    const work = mkdtempSync(path.join(tmpdir(), 'make-media-'));
    const started = performance.now();
    try {
      rmSync(staging, { recursive: true, force: true });
      mkdirSync(staging);
      const bar = progressReporter(p.id, p.durationMs / 1000);
      await render(p, look, staging, work, (t) => bar.update(t));
      await renderArtwork(look, staging, work);
      bar.done();
      rmSync(dest, { recursive: true, force: true });
      renameSync(staging, dest);
    } finally {
      rmSync(staging, { recursive: true, force: true });
      rmSync(work, { recursive: true, force: true });
    }
    const mb = (dirBytes(dest) / 1024 / 1024).toFixed(2);
    const secs = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`${p.id.padEnd(20)} ${String(p.durationMs / 1000).padStart(4)} s  ${mb} MB  in ${secs} s`);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`make-media: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
