/**
 * Media fixtures for the library's tests, GENERATED with ffmpeg on the spot (never downloaded,
 * free of any rights): short, low-resolution files so the tests stay quick on two shared cores.
 * Test-only.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';

function run(bin: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${bin} ${args.join(' ')}: ${err.slice(-2000)}`))));
  });
}

const ff = (args: string[]) => run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...args]);

/** ffprobe a file or manifest: its streams (codec, type, language, size). */
export async function probeStreams(file: string): Promise<{ codec_type: string; codec_name: string; width?: number; height?: number; tags?: { language?: string } }[]> {
  // The DASH demuxer refuses sidecar .vtt files unless told they are fine.
  const out = await run('ffprobe', ['-v', 'error', ...(file.endsWith('.mpd') ? ['-allowed_extensions', 'ALL'] : []), '-print_format', 'json', '-show_streams', file]);
  return (JSON.parse(out) as { streams: never[] }).streams;
}

const SRT_EN = '1\n00:00:01,000 --> 00:00:03,000\nGood evening, harbour.\n\n2\n00:00:04,000 --> 00:00:06,000\nThe last ferry is in.\n';
const SRT_ZH = '1\n00:00:01,000 --> 00:00:03,000\n晚上好，港口。\n\n2\n00:00:04,000 --> 00:00:06,000\n最后一班渡轮到了。\n';

/** A test pattern with a tone; `seconds` long, `size` WxH. */
function sources(seconds: number, size: string, tones: number[]): string[] {
  const args = ['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=15:duration=${seconds}`];
  for (const hz of tones) args.push('-f', 'lavfi', '-i', `sine=frequency=${hz}:sample_rate=48000:duration=${seconds}`);
  return args;
}

/** H.264/AAC MP4: English and French audio, an embedded English subtitle (mov_text), chapters. */
export async function h264TwoLanguages(file: string, seconds = 8): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  const srt = `${file}.en-src.srt.tmp`;
  const meta = `${file}.chapters.tmp`;
  await writeFile(srt, SRT_EN);
  await writeFile(meta, `;FFMETADATA1\ntitle=Two Voices\n\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=4000\ntitle=Arrival\n\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=4000\nEND=${seconds * 1000}\ntitle=Departure\n`);
  await ff([
    ...sources(seconds, '640x360', [440, 660]), '-f', 'srt', '-i', srt, '-i', meta,
    '-map', '0', '-map', '1', '-map', '2', '-map', '3', '-map_metadata', '4', '-map_chapters', '4',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '30', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '48k', '-c:s', 'mov_text',
    '-metadata:s:a:0', 'language=eng', '-metadata:s:a:1', 'language=fre', '-metadata:s:s:0', 'language=eng',
    file,
  ]);
  await Promise.all([srt, meta].map((f) => rm(f, { force: true })));
  return file;
}

/** HEVC video + AC-3 5.1 audio (German) in Matroska: the transcode path. */
export async function hevcAc3Mkv(file: string, seconds = 6): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  await ff([
    ...sources(seconds, '320x240', [330]),
    '-map', '0', '-map', '1', '-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error', '-pix_fmt', 'yuv420p',
    '-c:a', 'ac3', '-ac', '6', '-b:a', '192k', '-metadata:s:a:0', 'language=ger', '-metadata', 'title=Kanal', file,
  ]);
  return file;
}

/** A plain H.264/AAC file with a sidecar `<name>.zh.srt` (UTF-8 Chinese). */
export async function withZhSidecar(file: string, seconds = 6): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  await ff([...sources(seconds, '320x180', [523]), '-map', '0', '-map', '1', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-b:a', '48k', file]);
  await writeFile(file.replace(/\.[^.]+$/, '.zh.srt'), SRT_ZH);
  return file;
}

/** A series folder: `<root>/Harbour Stories/Season 1/Harbour Stories - S01E0N - <title>.mp4`. */
export async function seriesFolder(root: string, seconds = 6): Promise<string[]> {
  const dir = path.join(root, 'Harbour Stories', 'Season 1');
  const out: string[] = [];
  for (const [n, title] of [[1, 'The Night Ferry'], [2, 'Fog']] as const) {
    const file = path.join(dir, `Harbour Stories - S01E0${n} - ${title}.mp4`);
    await mkdir(dir, { recursive: true });
    await ff([...sources(seconds + n, '320x180', [200 + n * 100]), '-map', '0', '-map', '1', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-b:a', '48k', file]);
    out.push(file);
  }
  return out;
}

/** A truncated MP4 (the download that stopped at 40 %: no index). */
export async function truncatedMp4(file: string): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  await ff([...sources(6, '320x180', [700]), '-map', '0', '-map', '1', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', file]);
  const size = (await readFile(file)).length;
  await truncate(file, Math.floor(size * 0.4));
  return file;
}

/** VP9 + Opus in WebM (Spanish). */
export async function vp9OpusWebm(file: string, seconds = 4): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  await ff([...sources(seconds, '256x144', [600]), '-map', '0', '-map', '1', '-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '200k', '-c:a', 'libopus', '-b:a', '48k', '-metadata:s:a:0', 'language=spa', file]);
  return file;
}

/** MPEG-2 video with E-AC-3 (English), FLAC (Japanese) and DTS (Italian) audio in Matroska. */
export async function mpeg2ManyAudio(file: string, seconds = 4): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  await ff([
    ...sources(seconds, '320x240', [300, 500, 700]),
    '-map', '0', '-map', '1', '-map', '2', '-map', '3', '-c:v', 'mpeg2video', '-q:v', '5',
    '-c:a:0', 'eac3', '-b:a:0', '96k', '-c:a:1', 'flac', '-c:a:2', 'dca', '-strict', '-2', '-ac:a:2', '2',
    '-metadata:s:a:0', 'language=eng', '-metadata:s:a:1', 'language=jpn', '-metadata:s:a:2', 'language=ita', file,
  ]);
  return file;
}

/** AV1 (SVT-AV1) + AAC in MP4. */
export async function av1Mp4(file: string, seconds = 4): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  await ff([...sources(seconds, '256x144', [800]), '-map', '0', '-map', '1', '-c:v', 'libsvtav1', '-preset', '12', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '48k', file]);
  return file;
}
