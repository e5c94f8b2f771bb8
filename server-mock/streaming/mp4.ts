/**
 * Just enough ISO-BMFF (MP4) box parsing for the live emulation (live.ts): read a track's
 * timescale from its init segment, read each media segment's decode time and duration, and
 * shift those decode times on a copy. Only the boxes the loop needs are touched (`sidx`, `moof`
 * → `mfhd`, `traf` → `tfhd`/`tfdt`/`trun`); samples (`mdat`) are never decoded.
 *
 * Offsets are absolute byte positions in the buffer, found once at load time, so rewriting a
 * segment per request is a copy plus a few 64-bit writes.
 */

/** One box: its four-character type and where it sits in the buffer. */
export interface Box {
  /** Four-character code, e.g. `moof`. */
  type: string;
  /** Offset of the box header. */
  start: number;
  /** Offset of the payload (after size, type and any 64-bit size). */
  payload: number;
  /** Offset just past the box. */
  end: number;
}

/** Facts of a single-track init segment that the media segments depend on. */
export interface TrackInit {
  /** `tkhd` track id. */
  trackId: number;
  /** `mdhd` timescale: ticks per second of every decode time of this track. */
  timescale: number;
  /** `trex` default sample duration (used when neither `trun` nor `tfhd` carries one). */
  defaultSampleDuration: number;
}

/** One `moof` of a media segment. */
export interface FragmentInfo {
  /** Byte offset of the 64-bit `tfdt` baseMediaDecodeTime. */
  tfdtOffset: number;
  /** Its value, in the track's timescale. */
  baseMediaDecodeTime: number;
  /** Sum of the fragment's sample durations, in the track's timescale. */
  duration: number;
  /** Byte offset of the `mfhd` sequence number. */
  sequenceOffset: number;
}

/** A `sidx` whose earliest presentation time must move with the decode times. */
export interface SidxInfo {
  /** Byte offset of the 64-bit earliest_presentation_time. */
  timeOffset: number;
  /** The sidx's own timescale. */
  timescale: number;
}

/** Parsed facts of one media segment. */
export interface SegmentInfo {
  /** Every `moof` in order (ffmpeg writes one per segment; CMAF chunking writes several). */
  fragments: FragmentInfo[];
  /** Every `sidx` (ffmpeg's DASH muxer writes one per segment). */
  sidx: SidxInfo[];
  /** Decode time of the first sample. */
  start: number;
  /** Total duration of the segment's samples. */
  duration: number;
}

/** Iterate the boxes between `from` and `to`; throws on a box that overruns its parent. */
export function* boxes(buf: Buffer, from = 0, to = buf.length): Generator<Box> {
  let at = from;
  while (at + 8 <= to) {
    let size = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    let header = 8;
    if (size === 1) {
      size = Number(buf.readBigUInt64BE(at + 8));
      header = 16;
    } else if (size === 0) {
      size = to - at;
    }
    if (size < header || at + size > to) throw new Error(`mp4: box '${type}' at ${at} overruns its parent`);
    yield { type, start: at, payload: at + header, end: at + size };
    at += size;
  }
}

/** The first child box of `type` inside `parent` (or the top level when parent is null). */
export function child(buf: Buffer, parent: Box | null, type: string): Box | undefined {
  for (const b of boxes(buf, parent ? parent.payload : 0, parent ? parent.end : buf.length)) if (b.type === type) return b;
  return undefined;
}

function need(box: Box | undefined, what: string): Box {
  if (!box) throw new Error(`mp4: no '${what}' box`);
  return box;
}

/** Parse a single-track init segment (`ftyp` + `moov`). */
export function parseInit(buf: Buffer): TrackInit {
  const moov = need(child(buf, null, 'moov'), 'moov');
  const trak = need(child(buf, moov, 'trak'), 'moov/trak');
  const tkhd = need(child(buf, trak, 'tkhd'), 'tkhd');
  // tkhd: version(1) flags(3) creation/modification (4+4 or 8+8), then track_ID.
  const trackId = buf.readUInt32BE(tkhd.payload + (buf[tkhd.payload] === 1 ? 20 : 12));
  const mdhd = need(child(buf, need(child(buf, trak, 'mdia'), 'mdia'), 'mdhd'), 'mdhd');
  const timescale = buf.readUInt32BE(mdhd.payload + (buf[mdhd.payload] === 1 ? 20 : 12));
  if (timescale === 0) throw new Error('mp4: mdhd timescale is 0');
  let defaultSampleDuration = 0;
  const mvex = child(buf, moov, 'mvex');
  for (const b of mvex ? boxes(buf, mvex.payload, mvex.end) : []) {
    // trex: version/flags(4) track_ID(4) default_sample_description_index(4) default_sample_duration(4).
    if (b.type === 'trex' && buf.readUInt32BE(b.payload + 4) === trackId) defaultSampleDuration = buf.readUInt32BE(b.payload + 12);
  }
  return { trackId, timescale, defaultSampleDuration };
}

/** Duration of the samples of one `traf`. */
function trafDuration(buf: Buffer, traf: Box, tfhdDefault: number | null, init: TrackInit): number {
  let total = 0;
  for (const trun of boxes(buf, traf.payload, traf.end)) {
    if (trun.type !== 'trun') continue;
    const flags = buf.readUIntBE(trun.payload + 1, 3);
    const count = buf.readUInt32BE(trun.payload + 4);
    let at = trun.payload + 8 + (flags & 0x1 ? 4 : 0) + (flags & 0x4 ? 4 : 0);
    if (!(flags & 0x100)) {
      const each = tfhdDefault ?? init.defaultSampleDuration;
      if (each === 0 && count > 0) throw new Error('mp4: samples without any duration (trun, tfhd and trex lack one)');
      total += count * each;
      continue;
    }
    const stride = 4 * [0x100, 0x200, 0x400, 0x800].filter((f) => flags & f).length;
    for (let i = 0; i < count; i++, at += stride) total += buf.readUInt32BE(at);
  }
  return total;
}

/**
 * Parse one media segment of the track described by `init`. Throws on a 32-bit (version 0)
 * `tfdt` or `sidx`: a looped channel's decode times pass 2^32 ticks within days (15360 Hz video
 * after ~3 days), and widening a box in place would move every offset after it.
 */
export function parseSegment(buf: Buffer, init: TrackInit): SegmentInfo {
  const fragments: FragmentInfo[] = [];
  const sidx: SidxInfo[] = [];
  for (const top of boxes(buf)) {
    if (top.type === 'sidx') {
      if (buf[top.payload] !== 1) throw new Error('mp4: sidx version 0 (32-bit times) cannot be shifted; package with 64-bit sidx');
      sidx.push({ timeOffset: top.payload + 12, timescale: buf.readUInt32BE(top.payload + 8) });
    }
    if (top.type !== 'moof') continue;
    const mfhd = need(child(buf, top, 'mfhd'), 'mfhd');
    const traf = need(child(buf, top, 'traf'), 'traf');
    const tfhd = need(child(buf, traf, 'tfhd'), 'tfhd');
    const tfdt = need(child(buf, traf, 'tfdt'), 'tfdt');
    if (buf.readUInt32BE(tfhd.payload + 4) !== init.trackId) throw new Error('mp4: segment is of another track than its init segment');
    if (buf[tfdt.payload] !== 1) {
      throw new Error('mp4: tfdt version 0 (32-bit baseMediaDecodeTime) cannot hold a 24/7 channel’s times; package with version 1');
    }
    // tfhd: flags 0x1 base-data-offset(8), 0x2 sample-description-index(4), 0x8 default-sample-duration(4).
    const flags = buf.readUIntBE(tfhd.payload + 1, 3);
    const durAt = tfhd.payload + 8 + (flags & 0x1 ? 8 : 0) + (flags & 0x2 ? 4 : 0);
    const tfhdDefault = flags & 0x8 ? buf.readUInt32BE(durAt) : null;
    fragments.push({
      tfdtOffset: tfdt.payload + 4,
      baseMediaDecodeTime: Number(buf.readBigUInt64BE(tfdt.payload + 4)),
      duration: trafDuration(buf, traf, tfhdDefault, init),
      sequenceOffset: mfhd.payload + 4,
    });
  }
  const first = fragments[0];
  if (!first) throw new Error('mp4: media segment without moof');
  return { fragments, sidx, start: first.baseMediaDecodeTime, duration: fragments.reduce((s, f) => s + f.duration, 0) };
}

/**
 * A copy of `buf` with every decode time moved by `shift` ticks of the track's timescale
 * (sidx times converted to the sidx's timescale) and the fragment sequence number set to
 * `sequence`, so the same source bytes can be served as any loop of the channel.
 */
export function shiftSegment(buf: Buffer, info: SegmentInfo, init: TrackInit, shift: number, sequence: number): Buffer {
  const out = Buffer.from(buf);
  const ticks = BigInt(shift);
  for (const f of info.fragments) {
    out.writeBigUInt64BE(out.readBigUInt64BE(f.tfdtOffset) + ticks, f.tfdtOffset);
    out.writeUInt32BE(sequence >>> 0, f.sequenceOffset);
  }
  for (const s of info.sidx) {
    const scaled = (ticks * BigInt(s.timescale)) / BigInt(init.timescale);
    out.writeBigUInt64BE(out.readBigUInt64BE(s.timeOffset) + scaled, s.timeOffset);
  }
  return out;
}
