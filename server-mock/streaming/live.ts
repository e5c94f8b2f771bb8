/**
 * The emulated 24/7 live channel: a dynamic DASH manifest computed at request time from a
 * VOD-style source folder (`manifest.mpd` + fMP4 segments from scripts/make-media.ts) whose
 * segments are looped by `$Number$`.
 *
 * Timeline: every channel starts at CHANNEL_EPOCH_MS (the MPD availabilityStartTime), so a
 * wall-clock breakpoint (a live `Breakpoint`, patent [0046]) always names the same broadcast
 * moment on every terminal and every cluster. Live segment N (1-based) covers media time
 * [(N-1)·d, N·d) after the epoch; it is source segment ((N-1) mod count)+1 with its decode
 * times moved by floor((N-1)/count) loops. The loop length is measured per track from the
 * samples themselves (AAC frames do not divide a segment), and a source whose tracks do not
 * loop in exactly count·d is refused at load time: the error would grow every loop.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseInit, parseSegment, shiftSegment, type SegmentInfo, type TrackInit } from './mp4.ts';

/** availabilityStartTime of every live channel: constant, so wall-clock breakpoints are stable. */
export const CHANNEL_EPOCH_MS = Date.UTC(2026, 0, 1);

/** Timeshift window assumed when a caller names none (the demo channel's, 30 min). */
export const DEFAULT_TIMESHIFT_WINDOW_SEC = 1800;

/** Name of the virtual dynamic manifest in a live folder. */
export const LIVE_MANIFEST = 'live.mpd';

/** One looped representation of a live source. */
export interface LiveTrack {
  /** Representation id (also the `$RepresentationID$` of the live segment names). */
  id: string;
  /** Index into LiveSource.adaptationSets. */
  adaptationSet: number;
  /** The source Representation's attributes, raw XML text (codecs, bandwidth, width, …). */
  attrs: string;
  /** The source Representation's children other than its SegmentTemplate, raw XML. */
  extras: string;
  /** Init segment bytes, served unchanged. */
  init: Buffer;
  /** Facts of the init segment. */
  initInfo: TrackInit;
  /** Media segments in order, with their parsed box offsets. */
  segments: { bytes: Buffer; info: SegmentInfo }[];
  /** Decode time of the first source sample, in the track's timescale. */
  firstDecodeTime: number;
  /** Exact length of one loop in the track's timescale (sum of every sample duration). */
  loopDuration: number;
}

/** A parsed live source folder; load once and keep. */
export interface LiveSource {
  /** The folder it was read from. */
  dir: string;
  /** AdaptationSets of the source: raw attributes and non-Representation children. */
  adaptationSets: { attrs: string; extras: string }[];
  /** Every representation, in manifest order. */
  tracks: LiveTrack[];
  /** SegmentTemplate@timescale of the source (copied to the live manifest). */
  templateTimescale: number;
  /** SegmentTemplate@duration of the source, in templateTimescale ticks. */
  templateDuration: number;
  /** Segment duration d, seconds. */
  segmentDurationSec: number;
  /** Media segments per loop (every track has the same count). */
  segmentCount: number;
  /** Loop length, ms (count·d). */
  loopDurationMs: number;
}

/** What liveStart decided. */
export interface LiveStartDecision {
  /** Broadcast moment (epoch ms) to start at. */
  startEpochMs: number;
  /** True when that is the live edge rather than the breakpoint. */
  atLiveEdge: boolean;
  /** Why the breakpoint was not used. */
  reason?: 'no-breakpoint' | 'outside-window' | 'in-future';
}

const attr = (attrs: string, name: string): string | undefined => new RegExp(`\\b${name}="([^"]*)"`).exec(attrs)?.[1];
const without = (xml: string, re: RegExp): string => xml.replace(re, '').replace(/^\s+|\s+$/g, '');
const TEMPLATE_RE = /<SegmentTemplate\b([^>]*?)(?:\/>|>([\s\S]*?)<\/SegmentTemplate>)/;

/** Expand a DASH URL template ($RepresentationID$, $Bandwidth$, $Number$ with %0Nd). */
function expandTemplate(tpl: string, repId: string, bandwidth: string, num: number): string {
  return tpl.replace(/\$(RepresentationID|Number|Bandwidth|Time|)(?:%0(\d+)d)?\$/g, (_m, name: string, width?: string) => {
    if (name === '') return '$';
    if (name === 'Time') throw new Error('live source: $Time$ templates (SegmentTimeline) are not supported');
    const value = name === 'RepresentationID' ? repId : name === 'Bandwidth' ? bandwidth : String(num);
    return width ? value.padStart(Number(width), '0') : value;
  });
}

/** A file named by the source manifest, refused if the template climbs out of the folder. */
function sourceFile(dir: string, name: string): string {
  const file = path.resolve(dir, name);
  if (path.dirname(file) !== path.resolve(dir)) throw new Error(`live source: ${name} is not inside ${dir}`);
  return file;
}

/** Read one representation's init and media segments and measure its loop. */
async function loadTrack(dir: string, repAttrs: string, tpl: string, set: number, extras: string, startNumber: number) {
  const id = attr(repAttrs, 'id');
  if (!id || !/^[A-Za-z0-9_]+$/.test(id) || id === 'init') throw new Error(`live source: unusable Representation id '${id}'`);
  const bandwidth = attr(repAttrs, 'bandwidth') ?? '0';
  const media = attr(tpl, 'media');
  const initName = attr(tpl, 'initialization');
  if (!media || !initName) throw new Error(`live source: representation ${id} needs SegmentTemplate@media and @initialization`);
  const init = await readFile(sourceFile(dir, expandTemplate(initName, id, bandwidth, 0)));
  const initInfo = parseInit(init);
  const segments: LiveTrack['segments'] = [];
  for (let n = startNumber; ; n++) {
    const file = sourceFile(dir, expandTemplate(media, id, bandwidth, n));
    if (!existsSync(file)) break;
    const bytes = await readFile(file);
    const info = parseSegment(bytes, initInfo);
    const prev = segments.at(-1);
    if (prev && prev.info.start + prev.info.duration !== info.start) {
      throw new Error(`live source: representation ${id} has a gap or overlap before segment ${n}`);
    }
    segments.push({ bytes, info });
  }
  const first = segments[0];
  const last = segments.at(-1);
  if (!first || !last) throw new Error(`live source: representation ${id} has no media segments`);
  const firstDecodeTime = first.info.start;
  const loopDuration = last.info.start + last.info.duration - firstDecodeTime;
  return { id, adaptationSet: set, attrs: repAttrs.trim(), extras, init, initInfo, segments, firstDecodeTime, loopDuration };
}

/**
 * Read a live source folder (its static `manifest.mpd`, init and media segments) once.
 * Throws a clear error for what cannot be looped: SegmentTimeline, 32-bit tfdt, unequal
 * segment counts, or a track whose loop is not exactly count·d long.
 */
export async function loadLiveSource(dir: string): Promise<LiveSource> {
  const mpd = await readFile(path.join(dir, 'manifest.mpd'), 'utf8');
  if (/<SegmentTimeline\b/.test(mpd)) throw new Error('live source: SegmentTimeline manifests are not supported; use duration templates');
  const adaptationSets: LiveSource['adaptationSets'] = [];
  const tracks: LiveTrack[] = [];
  let timing: { timescale: number; duration: number } | null = null;
  for (const [, setAttrs = '', setBody = ''] of mpd.matchAll(/<AdaptationSet\b([^>]*)>([\s\S]*?)<\/AdaptationSet>/g)) {
    const repRe = /<Representation\b([^>]*?)(?:\/>|>([\s\S]*?)<\/Representation>)/g;
    const outside = setBody.replace(repRe, '');
    const setTemplate = TEMPLATE_RE.exec(outside)?.[1];
    adaptationSets.push({ attrs: setAttrs.trim(), extras: without(outside, new RegExp(TEMPLATE_RE.source, 'g')) });
    for (const [, repAttrs = '', repBody = ''] of setBody.matchAll(repRe)) {
      const tpl = TEMPLATE_RE.exec(repBody)?.[1] ?? setTemplate;
      if (!tpl) throw new Error('live source: every representation needs a SegmentTemplate');
      const timescale = Number(attr(tpl, 'timescale') ?? '1');
      const duration = Number(attr(tpl, 'duration'));
      if (!(duration > 0) || !(timescale > 0)) throw new Error('live source: SegmentTemplate needs @duration and @timescale');
      if (timing && (timing.timescale !== timescale || timing.duration !== duration)) {
        throw new Error('live source: representations disagree on the segment duration');
      }
      timing = { timescale, duration };
      const extras = without(repBody, new RegExp(TEMPLATE_RE.source, 'g'));
      const startNumber = Number(attr(tpl, 'startNumber') ?? '1');
      tracks.push(await loadTrack(dir, repAttrs, tpl, adaptationSets.length - 1, extras, startNumber));
    }
  }
  if (!timing || tracks.length === 0) throw new Error(`live source: no representations in ${dir}/manifest.mpd`);
  const count = tracks[0]?.segments.length ?? 0;
  for (const t of tracks) {
    if (t.segments.length !== count) throw new Error(`live source: representation ${t.id} has ${t.segments.length} segments, not ${count}`);
    // Exact integer comparison: loop/timescale must equal count·duration/templateTimescale.
    if (t.loopDuration * timing.timescale !== count * timing.duration * t.initInfo.timescale) {
      const got = (t.loopDuration / t.initInfo.timescale).toFixed(6);
      throw new Error(
        `live source: representation ${t.id} loops in ${got} s, not ${(count * timing.duration) / timing.timescale} s; ` +
          'it would drift every loop (make the source a multiple of 8 s, see scripts/make-media.ts)',
      );
    }
  }
  const segmentDurationSec = timing.duration / timing.timescale;
  return {
    dir,
    adaptationSets,
    tracks,
    templateTimescale: timing.timescale,
    templateDuration: timing.duration,
    segmentDurationSec,
    segmentCount: count,
    loopDurationMs: count * segmentDurationSec * 1000,
  };
}

/** A whole-or-decimal number of seconds as an xs:duration. */
function isoDuration(sec: number): string {
  return `PT${Number(sec.toFixed(3))}S`;
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Presentation delay players should keep behind the live edge: three segments. */
function presentationDelaySec(src: LiveSource): number {
  return 3 * src.segmentDurationSec;
}

/**
 * The window actually served: never shorter than the presentation delay plus two segments,
 * since a channel without timeshift still needs that much behind its edge to be playable.
 */
export function servedWindowSec(src: LiveSource, windowSec: number): number {
  return Math.max(windowSec, presentationDelaySec(src) + 2 * src.segmentDurationSec);
}

/** The dynamic MPD of the channel at `nowMs` (segment URLs relative to the manifest or `baseUrl`). */
export function liveManifest(src: LiveSource, opts: { nowMs: number; timeshiftWindowSec: number; baseUrl?: string }): string {
  const d = src.segmentDurationSec;
  const sets = src.adaptationSets.map((set, i) => {
    const reps = src.tracks
      .filter((t) => t.adaptationSet === i)
      .map((t) =>
        [
          `      <Representation ${t.attrs}>`,
          t.extras ? `        ${t.extras}` : '',
          `        <SegmentTemplate timescale="${src.templateTimescale}" duration="${src.templateDuration}" startNumber="1"` +
            ` initialization="live-init-$RepresentationID$.m4s" media="live-$RepresentationID$-$Number$.m4s"/>`,
          '      </Representation>',
        ].filter(Boolean),
      );
    return [`    <AdaptationSet ${set.attrs}>`, set.extras ? `      ${set.extras}` : '', ...reps.flat(), '    </AdaptationSet>'].filter(Boolean);
  });
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" profiles="urn:mpeg:dash:profile:isoff-live:2011" type="dynamic"',
    `  availabilityStartTime="${isoDate(CHANNEL_EPOCH_MS)}" publishTime="${isoDate(opts.nowMs)}"`,
    `  minimumUpdatePeriod="PT10S" timeShiftBufferDepth="${isoDuration(servedWindowSec(src, opts.timeshiftWindowSec))}"`,
    `  suggestedPresentationDelay="${isoDuration(presentationDelaySec(src))}" minBufferTime="${isoDuration(2 * d)}" maxSegmentDuration="${isoDuration(d)}">`,
    opts.baseUrl ? `  <BaseURL>${xmlEscape(opts.baseUrl)}</BaseURL>` : '',
    '  <Period id="0" start="PT0S">',
    ...sets.flat(),
    '  </Period>',
    // The server's clock, so a terminal with a wrong clock still asks for available segments.
    `  <UTCTiming schemeIdUri="urn:mpeg:dash:utc:direct:2014" value="${isoDate(opts.nowMs)}"/>`,
    '</MPD>',
    '',
  ]
    .filter(Boolean)
    .join('\n');
}

/** The init segment of a representation (unchanged source bytes), or null if unknown. */
export function liveInit(src: LiveSource, representationId: string): Buffer | null {
  return src.tracks.find((t) => t.id === representationId)?.init ?? null;
}

/** Wall-clock (epoch ms) at which live segment `number` ends, i.e. becomes available. */
export function segmentEndEpochMs(src: LiveSource, number: number): number {
  return CHANNEL_EPOCH_MS + Math.round(number * src.segmentDurationSec * 1000);
}

/**
 * Live segment `number` of a representation, rewritten for its loop; null when the
 * representation is unknown, the segment is not yet complete at `nowMs`, or it has left the
 * timeshift window (DASH availability: from its end until its end + window).
 */
export function liveSegment(
  src: LiveSource,
  representationId: string,
  number: number,
  nowMs: number,
  windowSec = DEFAULT_TIMESHIFT_WINDOW_SEC,
): Buffer | null {
  const track = src.tracks.find((t) => t.id === representationId);
  if (!track || !Number.isSafeInteger(number) || number < 1) return null;
  const end = segmentEndEpochMs(src, number);
  if (end > nowMs || end + servedWindowSec(src, windowSec) * 1000 < nowMs) return null;
  const loop = Math.floor((number - 1) / src.segmentCount);
  const source = track.segments[(number - 1) % src.segmentCount];
  if (!source) return null;
  return shiftSegment(source.bytes, source.info, track.initInfo, loop * track.loopDuration - track.firstDecodeTime, number);
}

/**
 * Where a terminal resuming a live channel starts: the breakpoint's broadcast moment when it
 * is still inside the timeshift window, else the live edge (now) and why. `src` is taken so
 * that per-channel rules can join later without changing callers.
 */
export function liveStart(_src: LiveSource, breakpointEpochMs: number | null, nowMs: number, windowSec: number): LiveStartDecision {
  if (breakpointEpochMs === null) return { startEpochMs: nowMs, atLiveEdge: true, reason: 'no-breakpoint' };
  if (breakpointEpochMs > nowMs) return { startEpochMs: nowMs, atLiveEdge: true, reason: 'in-future' };
  if (breakpointEpochMs < nowMs - windowSec * 1000 || breakpointEpochMs < CHANNEL_EPOCH_MS) {
    return { startEpochMs: nowMs, atLiveEdge: true, reason: 'outside-window' };
  }
  return { startEpochMs: breakpointEpochMs, atLiveEdge: false };
}
