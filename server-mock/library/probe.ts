/**
 * What ffprobe says about a media file, reduced to what packaging needs: duration, the video,
 * audio and subtitle streams with their codecs and languages, the chapters and the tags. The
 * parsing is pure (ffprobe JSON in, MediaInfo out) and rejects what cannot become a programme
 * with a clear, per-file message.
 */
import { ffprobeJson } from './ffmpeg.ts';
import { normalizeLanguage } from './languages.ts';

/** A video stream. */
export interface VideoStream {
  /** Index among the file's streams (ffmpeg `0:N`). */
  index: number;
  codec: string;
  width: number;
  height: number;
  pixFmt: string;
  /** H.264 profile as ffprobe names it ("High", "Main", "High 10"). */
  profile: string;
  /** Frames per second, 0 when unknown. */
  fps: number;
}

/** An audio stream. */
export interface AudioStream {
  index: number;
  codec: string;
  channels: number;
  /** BCP-47 tag (`en`, `zh`), `und` when the file does not say. */
  language: string;
  /** The stream's own title tag ("Director's commentary"), if any. */
  title: string | null;
  isDefault: boolean;
}

/** A subtitle stream. */
export interface SubtitleStream {
  index: number;
  codec: string;
  language: string;
  title: string | null;
  /** Text codecs convert to WebVTT; bitmap ones (PGS, VobSub, DVB) cannot. */
  isText: boolean;
  forced: boolean;
}

/** A chapter mark. */
export interface Chapter {
  startMs: number;
  title: string;
}

/** What packaging needs to know about a file. */
export interface MediaInfo {
  durationMs: number;
  formatName: string;
  video: VideoStream | null;
  audio: AudioStream[];
  subtitles: SubtitleStream[];
  chapters: Chapter[];
  /** Container tags, lower-cased keys (title, show, season_number, episode_id, description…). */
  tags: Record<string, string>;
}

/** A file that cannot become a programme; the message is for the owner. */
export class UnsupportedMediaError extends Error {
  override name = 'UnsupportedMediaError';
}

const TEXT_SUBTITLES = new Set(['subrip', 'srt', 'ass', 'ssa', 'mov_text', 'webvtt', 'text', 'microdvd', 'subviewer', 'jacosub']);

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const num = (v: unknown): number => {
  const n = typeof v === 'number' ? v : Number.parseFloat(str(v));
  return Number.isFinite(n) ? n : 0;
};

function tagsOf(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(obj(v))) if (typeof val === 'string' && val.trim()) out[k.toLowerCase()] = val.trim();
  return out;
}

function rate(v: unknown): number {
  const m = /^(\d+)\/(\d+)$/.exec(str(v));
  if (!m) return 0;
  const d = Number(m[2]);
  return d > 0 ? Number(m[1]) / d : 0;
}

/** Reduce ffprobe's JSON to MediaInfo; throws UnsupportedMediaError for what cannot play. */
export function parseProbe(json: unknown): MediaInfo {
  const root = obj(json);
  const format = obj(root.format);
  const streams = Array.isArray(root.streams) ? root.streams.map(obj) : [];
  let video: VideoStream | null = null;
  const audio: AudioStream[] = [];
  const subtitles: SubtitleStream[] = [];
  for (const s of streams) {
    const tags = tagsOf(s.tags);
    const disposition = obj(s.disposition);
    const index = num(s.index);
    const codec = str(s.codec_name);
    if (s.codec_type === 'video' && !video && disposition.attached_pic !== 1 && codec !== 'mjpeg' && codec !== 'png') {
      video = { index, codec, width: num(s.width), height: num(s.height), pixFmt: str(s.pix_fmt), profile: str(s.profile), fps: rate(s.avg_frame_rate) || rate(s.r_frame_rate) };
    } else if (s.codec_type === 'audio' && codec) {
      audio.push({ index, codec, channels: num(s.channels) || 2, language: normalizeLanguage(tags.language), title: tags.title ?? null, isDefault: disposition.default === 1 });
    } else if (s.codec_type === 'subtitle') {
      subtitles.push({ index, codec, language: normalizeLanguage(tags.language), title: tags.title ?? null, isText: TEXT_SUBTITLES.has(codec), forced: disposition.forced === 1 });
    }
  }
  const durationMs = Math.round(num(format.duration) * 1000);
  if (!video && audio.length === 0) throw new UnsupportedMediaError('no audio or video stream (not a media file, or damaged)');
  if (video && (video.width <= 0 || video.height <= 0)) throw new UnsupportedMediaError(`the video stream (${video.codec}) has no picture size; the file is damaged`);
  if (!video) throw new UnsupportedMediaError('audio-only files are not programmes (no video stream)');
  if (durationMs <= 0) throw new UnsupportedMediaError('the file has no duration (damaged or still being written)');
  const chapters = (Array.isArray(root.chapters) ? root.chapters.map(obj) : [])
    .map((c, i) => ({ startMs: Math.max(0, Math.round(num(c.start_time) * 1000)), title: tagsOf(c.tags).title ?? `Chapter ${i + 1}` }))
    .filter((c) => c.startMs < durationMs)
    .slice(0, 500);
  return { durationMs, formatName: str(format.format_name), video, audio, subtitles, chapters, tags: tagsOf(format.tags) };
}

/** ffprobe a file and parse it. A file ffprobe cannot read becomes UnsupportedMediaError. */
export async function probeFile(file: string, signal?: AbortSignal): Promise<MediaInfo> {
  let json: unknown;
  try {
    json = await ffprobeJson(file, signal);
  } catch (err) {
    if (err instanceof Error && err.name === 'FfmpegFailedError') {
      const detail = (err as Error & { detail?: string }).detail ?? '';
      throw new UnsupportedMediaError(`ffprobe cannot read it: ${detail.split('\n').at(-1) || err.message}`);
    }
    throw err;
  }
  return parseProbe(json);
}
