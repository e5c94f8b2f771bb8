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
 *
 * The source manifest is read as XML (fast-xml-parser, xml.ts), so any packager's
 * layout works: a SegmentTemplate on the Period, the AdaptationSet or the Representation (the
 * nearer overriding the farther attribute by attribute, as DASH inherits them), namespace
 * prefixes, any quoting. What the live manifest copies — Representation and AdaptationSet
 * attributes and descriptors — is copied as parsed nodes, not as text.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { attrsOf, buildXml, childrenOf, localName, parseXml, tagOf, type XmlNode } from './xml.ts';
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
  /** The source Representation's attributes (codecs, bandwidth, width, …). */
  attrs: Record<string, string>;
  /** The source Representation's descriptors (children other than addressing: SegmentTemplate, BaseURL …). */
  extras: XmlNode[];
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
  /** AdaptationSets of the source: attributes and descriptors (children other than Representations and addressing). */
  adaptationSets: { attrs: Record<string, string>; extras: XmlNode[] }[];
  /** The source root's namespace declarations (`xmlns:cenc` …), so copied descriptors keep their prefixes. */
  namespaces: Record<string, string>;
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

/** Children that address segments: the live manifest replaces them with its own template. */
const ADDRESSING = new Set(['SegmentTemplate', 'SegmentBase', 'SegmentList', 'BaseURL']);

/** The element children of `node` with a local name. */
const elements = (node: XmlNode, name: string): XmlNode[] => childrenOf(node).filter((c) => localName(tagOf(c) ?? '') === name);

/** Descriptors of an element: element children that are neither addressing nor in `skip`. */
function descriptors(node: XmlNode, skip: string): XmlNode[] {
  return childrenOf(node).filter((c) => {
    const tag = tagOf(c);
    return tag !== null && !ADDRESSING.has(localName(tag)) && localName(tag) !== skip;
  });
}

/** SegmentTemplate attributes an element contributes (DASH inheritance: nearer wins). */
const templateOf = (node: XmlNode): Record<string, string> => {
  const tpl = elements(node, 'SegmentTemplate')[0];
  return tpl ? { ...attrsOf(tpl) } : {};
};

/** True when any element below `nodes` has the local name. */
function contains(nodes: XmlNode[], name: string): boolean {
  return nodes.some((n) => localName(tagOf(n) ?? '') === name || contains(childrenOf(n), name));
}

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
async function loadTrack(dir: string, repAttrs: Record<string, string>, tpl: Record<string, string>, set: number, extras: XmlNode[], startNumber: number) {
  const id = repAttrs.id;
  if (!id || !/^[A-Za-z0-9_]+$/.test(id) || id === 'init') throw new Error(`live source: unusable Representation id '${id}'`);
  const bandwidth = repAttrs.bandwidth ?? '0';
  const media = tpl.media;
  const initName = tpl.initialization;
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
  return { id, adaptationSet: set, attrs: { ...repAttrs }, extras, init, initInfo, segments, firstDecodeTime, loopDuration };
}

/**
 * Read a live source folder (its static `manifest.mpd`, init and media segments) once.
 * Throws a clear error for what cannot be looped: SegmentTimeline, 32-bit tfdt, unequal
 * segment counts, or a track whose loop is not exactly count·d long.
 */
export async function loadLiveSource(dir: string): Promise<LiveSource> {
  let nodes: XmlNode[];
  try {
    nodes = parseXml(await readFile(path.join(dir, 'manifest.mpd'), 'utf8'));
  } catch (err) {
    throw new Error(`live source: ${dir}/manifest.mpd: ${(err as Error).message}`, { cause: err });
  }
  const root = nodes.find((n) => localName(tagOf(n) ?? '') === 'MPD');
  if (!root) throw new Error(`live source: ${dir}/manifest.mpd has no MPD element`);
  if (contains([root], 'SegmentTimeline')) throw new Error('live source: SegmentTimeline manifests are not supported; use duration templates');
  const periods = elements(root, 'Period');
  if (periods.length !== 1) throw new Error(`live source: expected one Period, found ${periods.length}`);
  const period = periods[0] as XmlNode;
  const namespaces = Object.fromEntries(Object.entries(attrsOf(root)).filter(([k]) => k.startsWith('xmlns:')));
  const adaptationSets: LiveSource['adaptationSets'] = [];
  const tracks: LiveTrack[] = [];
  let timing: { timescale: number; duration: number } | null = null;
  for (const set of elements(period, 'AdaptationSet')) {
    adaptationSets.push({ attrs: { ...attrsOf(set) }, extras: descriptors(set, 'Representation') });
    for (const rep of elements(set, 'Representation')) {
      const tpl = { ...templateOf(period), ...templateOf(set), ...templateOf(rep) };
      if (Object.keys(tpl).length === 0) throw new Error('live source: every representation needs a SegmentTemplate');
      const timescale = Number(tpl.timescale ?? '1');
      const duration = Number(tpl.duration);
      if (!(duration > 0) || !(timescale > 0)) throw new Error('live source: SegmentTemplate needs @duration and @timescale');
      if (timing && (timing.timescale !== timescale || timing.duration !== duration)) {
        throw new Error('live source: representations disagree on the segment duration');
      }
      timing = { timescale, duration };
      const startNumber = Number(tpl.startNumber ?? '1');
      tracks.push(await loadTrack(dir, attrsOf(rep), tpl, adaptationSets.length - 1, descriptors(rep, ''), startNumber));
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
    namespaces,
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

/** An element node of fast-xml-parser's order-preserving tree. */
const el = (tag: string, attrs: Record<string, string>, children: XmlNode[] = []): XmlNode => ({ [tag]: children, ':@': attrs });

/** The dynamic MPD of the channel at `nowMs` (segment URLs relative to the manifest or `baseUrl`). */
export function liveManifest(src: LiveSource, opts: { nowMs: number; timeshiftWindowSec: number; baseUrl?: string }): string {
  const d = src.segmentDurationSec;
  const template = el('SegmentTemplate', {
    timescale: String(src.templateTimescale),
    duration: String(src.templateDuration),
    startNumber: '1',
    initialization: 'live-init-$RepresentationID$.m4s',
    media: 'live-$RepresentationID$-$Number$.m4s',
  });
  const sets = src.adaptationSets.map((set, i) =>
    el('AdaptationSet', set.attrs, [
      ...set.extras,
      ...src.tracks.filter((t) => t.adaptationSet === i).map((t) => el('Representation', t.attrs, [...t.extras, template])),
    ]),
  );
  const mpd = el(
    'MPD',
    {
      ...src.namespaces,
      xmlns: 'urn:mpeg:dash:schema:mpd:2011',
      profiles: 'urn:mpeg:dash:profile:isoff-live:2011',
      type: 'dynamic',
      availabilityStartTime: isoDate(CHANNEL_EPOCH_MS),
      publishTime: isoDate(opts.nowMs),
      minimumUpdatePeriod: 'PT10S',
      timeShiftBufferDepth: isoDuration(servedWindowSec(src, opts.timeshiftWindowSec)),
      suggestedPresentationDelay: isoDuration(presentationDelaySec(src)),
      minBufferTime: isoDuration(2 * d),
      maxSegmentDuration: isoDuration(d),
    },
    [
      ...(opts.baseUrl ? [{ BaseURL: [{ '#text': opts.baseUrl }] }] : []),
      el('Period', { id: '0', start: 'PT0S' }, sets),
      // The server's clock, so a terminal with a wrong clock still asks for available segments.
      el('UTCTiming', { schemeIdUri: 'urn:mpeg:dash:utc:direct:2014', value: isoDate(opts.nowMs) }),
    ],
  );
  return `<?xml version="1.0" encoding="utf-8"?>\n${buildXml([mpd], true).trim()}\n`;
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
