/**
 * Completing the manifests ffmpeg's dash muxer writes (one set of CMAF segments, a DASH MPD
 * and HLS playlists over them). The muxer knows video and audio only, so this adds:
 * - DASH: BCP-47 `lang` and a `<Label>` on every audio adaptation set; a `text/vtt` adaptation
 *   set per WebVTT track (with its language and a subtitle / forced-subtitle Role); the
 *   seek-preview thumbnails as a DASH-IF image adaptation set (`thumbnail_tile`), which Shaka
 *   Player exposes as an image track (`getImageTracks`, `getThumbnails`);
 * - HLS: `LANGUAGE` and readable `NAME`s on the audio renditions, `TYPE=SUBTITLES` renditions
 *   with one-segment WebVTT playlists, and `EXT-X-IMAGE-STREAM-INF` thumbnails (Roku's tiles
 *   spec, which Shaka's HLS parser reads);
 * - a WebVTT thumbnails track (`thumbnails.vtt`, `#xywh=` sprites) for any other player.
 * Pure string functions (unit-tested); the muxer's output format is stable across 5.x–7.x.
 */
import type { AudioPlan, SubtitlePlan } from './plan.ts';

/** The sprite sheets of seek-preview thumbnails. */
export interface ThumbnailSheet {
  /** Seconds between two thumbnails. */
  intervalSec: number;
  columns: number;
  rows: number;
  /** One thumbnail's size, px. */
  width: number;
  height: number;
  /** Number of sheets (`thumbs-1.jpg` …). */
  sheets: number;
  /** Number of thumbnails in all. */
  count: number;
  /** Average sheet size, bytes (for the bandwidth attribute). */
  averageBytes: number;
}

/** What the manifests describe beyond ffmpeg's video and audio. */
export interface ManifestExtras {
  durationMs: number;
  title: string;
  /** Audio tracks in output order (their DASH representation ids follow the video rungs). */
  audio: readonly AudioPlan[];
  videoRenditions: number;
  subtitles: readonly SubtitlePlan[];
  thumbnails: ThumbnailSheet | null;
}

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** An HLS quoted-string attribute value (no quotes or line breaks allowed inside). */
function hlsString(s: string): string {
  return s.replace(/["\r\n]/g, "'");
}

/** Complete ffmpeg's MPD (see the header). */
export function completeMpd(mpd: string, x: ManifestExtras): string {
  // Audio adaptation sets: the muxer writes one per audio stream, in output order, with the
  // container's 639-2 code (or none). Rewrite each one's lang and add its Label.
  let audioIndex = 0;
  let out = mpd.replace(/<AdaptationSet\b([^>]*)contentType="(video|audio)"([^>]*)>/g, (_whole, pre: string, type: string, post: string) => {
    const attrs = `${pre}contentType="${type}"${post}`.replace(/\s+lang="[^"]*"/, '');
    if (type === 'video') return `<AdaptationSet${attrs}>`;
    const a = x.audio[audioIndex++];
    if (!a) return `<AdaptationSet${attrs}>`;
    const lang = a.language === 'und' ? '' : ` lang="${xml(a.language)}"`;
    const role = a.isDefault ? '\n\t\t\t<Role schemeIdUri="urn:mpeg:dash:role:2011" value="main" />' : '';
    return `<AdaptationSet${attrs}${lang}>\n\t\t\t<Label>${xml(a.label)}</Label>${role}`;
  });
  out = out.replace(/<ProgramInformation>[\s\S]*?<\/ProgramInformation>/, `<ProgramInformation>\n\t\t<Title>${xml(x.title)}</Title>\n\t</ProgramInformation>`);
  const extra: string[] = [];
  x.subtitles.forEach((s, i) => {
    const lang = s.language === 'und' ? '' : ` lang="${xml(s.language)}"`;
    extra.push(
      `\t\t<AdaptationSet id="${100 + i}" contentType="text" mimeType="text/vtt"${lang}>`,
      `\t\t\t<Role schemeIdUri="urn:mpeg:dash:role:2011" value="${s.forced ? 'forced-subtitle' : 'subtitle'}" />`,
      `\t\t\t<Label>${xml(s.label)}</Label>`,
      `\t\t\t<Representation id="text-${i}" bandwidth="1000">`,
      `\t\t\t\t<BaseURL>${xml(s.file)}</BaseURL>`,
      '\t\t\t</Representation>',
      '\t\t</AdaptationSet>',
    );
  });
  const t = x.thumbnails;
  if (t) {
    const perSheet = t.intervalSec * t.columns * t.rows;
    extra.push(
      `\t\t<AdaptationSet id="200" contentType="image" mimeType="image/jpeg">`,
      `\t\t\t<SegmentTemplate media="thumbs-$Number$.jpg" timescale="1" duration="${perSheet}" startNumber="1" />`,
      `\t\t\t<Representation id="thumbnails" bandwidth="${Math.max(1000, Math.round((t.averageBytes * 8) / perSheet))}" width="${t.width * t.columns}" height="${t.height * t.rows}">`,
      `\t\t\t\t<EssentialProperty schemeIdUri="http://dashif.org/thumbnail_tile" value="${t.columns}x${t.rows}" />`,
      '\t\t\t</Representation>',
      '\t\t</AdaptationSet>',
    );
  }
  if (extra.length > 0) out = out.replace(/(\s*)<\/Period>/, `\n${extra.join('\n')}$1</Period>`);
  return out;
}

/** Complete ffmpeg's HLS master playlist; returns it and the extra playlists to write. */
export function completeMaster(master: string, x: ManifestExtras): { master: string; files: Record<string, string> } {
  const files: Record<string, string> = {};
  const lines = master.split('\n').map((l) => l.replace(/\r$/, ''));
  const out: string[] = [];
  const hasSubs = x.subtitles.length > 0;
  for (const line of lines) {
    const audio = /^#EXT-X-MEDIA:TYPE=AUDIO,(.*)URI="media_(\d+)\.m3u8"(.*)$/.exec(line);
    if (audio) {
      const a = x.audio[Number(audio[2]) - x.videoRenditions];
      if (a) {
        const group = /GROUP-ID="([^"]*)"/.exec(line)?.[1] ?? 'audio';
        const lang = a.language === 'und' ? '' : `LANGUAGE="${hlsString(a.language)}",`;
        out.push(`#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="${group}",NAME="${hlsString(a.label)}",${lang}DEFAULT=${a.isDefault ? 'YES' : 'NO'},AUTOSELECT=YES,CHANNELS="${a.channels}",URI="media_${audio[2]}.m3u8"`);
        continue;
      }
    }
    if (hasSubs && line.startsWith('#EXT-X-STREAM-INF:')) {
      out.push(`${line},SUBTITLES="subs"`);
      continue;
    }
    out.push(line);
  }
  const head: string[] = [];
  const sec = x.durationMs / 1000;
  x.subtitles.forEach((s, i) => {
    const name = `sub_${i}.m3u8`;
    const lang = s.language === 'und' ? '' : `LANGUAGE="${hlsString(s.language)}",`;
    head.push(`#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="${hlsString(s.label)}",${lang}DEFAULT=NO,AUTOSELECT=${s.forced ? 'NO' : 'YES'},FORCED=${s.forced ? 'YES' : 'NO'},URI="${name}"`);
    files[name] = ['#EXTM3U', '#EXT-X-VERSION:6', `#EXT-X-TARGETDURATION:${Math.ceil(sec)}`, '#EXT-X-PLAYLIST-TYPE:VOD', `#EXTINF:${sec.toFixed(3)},`, s.file, '#EXT-X-ENDLIST', ''].join('\n');
  });
  const t = x.thumbnails;
  const tail: string[] = [];
  if (t) {
    const perSheet = t.intervalSec * t.columns * t.rows;
    const body = ['#EXTM3U', '#EXT-X-VERSION:7', `#EXT-X-TARGETDURATION:${Math.ceil(perSheet)}`, '#EXT-X-PLAYLIST-TYPE:VOD', '#EXT-X-IMAGES-ONLY'];
    for (let n = 1; n <= t.sheets; n++) {
      const left = Math.max(0, sec - (n - 1) * perSheet);
      body.push(`#EXTINF:${Math.min(perSheet, left).toFixed(3)},`, `#EXT-X-TILES:RESOLUTION=${t.width}x${t.height},LAYOUT=${t.columns}x${t.rows},DURATION=${t.intervalSec.toFixed(3)}`, `thumbs-${n}.jpg`);
    }
    body.push('#EXT-X-ENDLIST', '');
    files['thumbs.m3u8'] = body.join('\n');
    const bw = Math.max(1000, Math.round((t.averageBytes * 8) / perSheet));
    tail.push(`#EXT-X-IMAGE-STREAM-INF:BANDWIDTH=${bw},RESOLUTION=${t.width * t.columns}x${t.height * t.rows},CODECS="jpeg",URI="thumbs.m3u8"`);
  }
  // The new renditions go after the version line, before the variants that reference them.
  const at = Math.max(1, out.findIndex((l) => l.startsWith('#EXT-X-VERSION')) + 1);
  out.splice(at, 0, ...head);
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return { master: `${[...out, ...tail].join('\n')}\n`, files };
}

/** Drop the muxer's wall-clock `#EXT-X-PROGRAM-DATE-TIME` stamps (meaningless for VOD). */
export function cleanMediaPlaylist(text: string): string {
  return text
    .split('\n')
    .filter((l) => !l.startsWith('#EXT-X-PROGRAM-DATE-TIME'))
    .join('\n');
}

function vttTime(sec: number): string {
  const ms = Math.round(sec * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(ms % 1000).padStart(3, '0')}`;
}

/** The WebVTT thumbnails track: one cue per thumbnail, `thumbs-N.jpg#xywh=x,y,w,h`. */
export function thumbnailsVtt(t: ThumbnailSheet, durationMs: number): string {
  const cues = ['WEBVTT', ''];
  const perSheet = t.columns * t.rows;
  for (let i = 0; i < t.count; i++) {
    const start = i * t.intervalSec;
    if (start * 1000 >= durationMs) break;
    const end = Math.min((i + 1) * t.intervalSec, durationMs / 1000);
    const cell = i % perSheet;
    const x = (cell % t.columns) * t.width;
    const y = Math.floor(cell / t.columns) * t.height;
    cues.push(`${vttTime(start)} --> ${vttTime(end)}`, `thumbs-${Math.floor(i / perSheet) + 1}.jpg#xywh=${x},${y},${t.width},${t.height}`, '');
  }
  return cues.join('\n');
}
