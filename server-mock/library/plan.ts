/**
 * How one file is packaged, decided from its probe before any ffmpeg runs (pure, unit-tested):
 * - video: an ABR ladder of up to three H.264 renditions chosen from the source height. The top
 *   rung is a stream copy when the source already is 8-bit 4:2:0 H.264 (what every browser
 *   decodes); otherwise (HEVC, VP9, AV1, MPEG-2, 10-bit H.264 …) every rung is transcoded, the
 *   top one capped at 1080p so a 4K HEVC file does not take a day on a home PC;
 * - audio: every track, with its language; AAC is copied, anything else (AC-3, E-AC-3, DTS,
 *   FLAC, Opus, MP3 …) becomes AAC-LC with up to 5.1 channels, which MSE plays everywhere;
 * - subtitles: every embedded text track and every sidecar `.srt` / `.vtt` becomes WebVTT;
 *   bitmap subtitles (PGS, VobSub, DVB) cannot, and are listed as skipped.
 */
import { languageLabel } from './languages.ts';
import type { Sidecar } from './naming.ts';
import type { MediaInfo } from './probe.ts';

/** One video rendition of the ladder. */
export interface Rendition {
  width: number;
  height: number;
  /** Stream copy of the source (only ever the top rung). */
  copy: boolean;
  /** Transcoded rungs: the rate cap (kbit/s) of the CRF encode. */
  maxrateKbps: number;
}

/** One audio track of the package. */
export interface AudioPlan {
  /** Source stream index. */
  index: number;
  copy: boolean;
  channels: number;
  bitrateKbps: number;
  language: string;
  label: string;
  isDefault: boolean;
}

/** One WebVTT track of the package. */
export interface SubtitlePlan {
  /** Embedded stream index, or the sidecar file. */
  source: { kind: 'stream'; index: number } | { kind: 'file'; file: string };
  language: string;
  label: string;
  forced: boolean;
  /** Output file name in the package (`sub-0.vtt`). */
  file: string;
}

/** The whole plan of one file. */
export interface PackagePlan {
  renditions: Rendition[];
  audio: AudioPlan[];
  subtitles: SubtitlePlan[];
  /** Why some source tracks are not in the package (shown on the file). */
  skipped: string[];
  /** True when nothing is transcoded (the fast path). */
  copyOnly: boolean;
}

/** Standard rung heights and their rate caps (kbit/s). */
const LADDER: readonly [number, number][] = [
  [2160, 16000],
  [1440, 9000],
  [1080, 5000],
  [720, 3000],
  [480, 1500],
  [360, 900],
  [240, 500],
  [180, 300],
];
/** The highest transcoded rung (see the header). */
export const MAX_TRANSCODE_HEIGHT = 1080;
/** Up to this many renditions. */
export const MAX_RENDITIONS = 3;

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);

/** Rate cap of a transcoded rung of `height`. */
function capFor(height: number): number {
  return (LADDER.find(([h]) => h <= height) ?? LADDER[LADDER.length - 1])?.[1] ?? 300;
}

/** True when browsers decode the source's video as is. */
export function isCopyableVideo(v: NonNullable<MediaInfo['video']>): boolean {
  return v.codec === 'h264' && (v.pixFmt === 'yuv420p' || v.pixFmt === 'yuvj420p') && !/10|4:2:2|4:4:4/.test(v.profile);
}

/** The ladder for a source of `width`×`height`: top rung, then up to two smaller standard ones. */
export function ladder(width: number, height: number, copyTop: boolean, maxRenditions = MAX_RENDITIONS): Rendition[] {
  const aspect = width / height;
  const topHeight = copyTop ? height : Math.min(even(height), MAX_TRANSCODE_HEIGHT);
  const top: Rendition = copyTop
    ? { width, height, copy: true, maxrateKbps: 0 }
    : { width: even(topHeight * aspect), height: topHeight, copy: false, maxrateKbps: capFor(topHeight) };
  // A lower rung must be clearly smaller (≤ 75 % of the height above it) to be worth its bytes.
  const out = [top];
  for (const [h, cap] of LADDER) {
    if (out.length >= Math.min(MAX_RENDITIONS, Math.max(1, maxRenditions))) break;
    const above = out[out.length - 1] as Rendition;
    if (h <= above.height * 0.75) out.push({ width: even(h * aspect), height: h, copy: false, maxrateKbps: cap });
  }
  return out;
}

/** Plan the packaging of a probed file with its sidecar subtitles. */
export function planPackage(info: MediaInfo, sidecars: readonly Sidecar[], maxRenditions = MAX_RENDITIONS): PackagePlan {
  const v = info.video;
  if (!v) throw new Error('planPackage needs a video stream');
  const copyTop = isCopyableVideo(v);
  const renditions = ladder(v.width, v.height, copyTop, maxRenditions);
  const hasDefault = info.audio.some((a) => a.isDefault);
  const audio = info.audio.map((a, i): AudioPlan => {
    const copy = a.codec === 'aac';
    const channels = copy ? a.channels : Math.min(a.channels, 6);
    return {
      index: a.index,
      copy,
      channels,
      bitrateKbps: copy ? 0 : channels > 2 ? 384 : 128,
      language: a.language,
      label: a.title ?? languageLabel(a.language),
      isDefault: hasDefault ? a.isDefault : i === 0,
    };
  });
  const skipped: string[] = [];
  const subtitles: SubtitlePlan[] = [];
  for (const s of info.subtitles) {
    if (!s.isText) {
      skipped.push(`subtitle stream ${s.index} (${s.codec}, ${s.language}) is a bitmap format and cannot become WebVTT`);
      continue;
    }
    subtitles.push({ source: { kind: 'stream', index: s.index }, language: s.language, label: s.title ?? languageLabel(s.language), forced: s.forced, file: `sub-${subtitles.length}.vtt` });
  }
  for (const s of sidecars) {
    subtitles.push({ source: { kind: 'file', file: s.file }, language: s.language, label: languageLabel(s.language) + (s.forced ? ' (forced)' : ''), forced: s.forced, file: `sub-${subtitles.length}.vtt` });
  }
  return { renditions, audio, subtitles, skipped, copyOnly: copyTop && renditions.length === 1 && audio.every((a) => a.copy) };
}
