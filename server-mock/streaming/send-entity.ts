/**
 * HTTP delivery of media bytes: safe resolution of a request path to a file inside the media
 * directory, and a sender that speaks the parts of HTTP players rely on — single byte ranges
 * (206/416), validators (ETag, Last-Modified → 304, If-Range), cache policy and HEAD.
 *
 * Path safety is by construction rather than by filtering: a path is a list of segments that
 * each match a conservative file-name pattern (no dots first, no separators, no escapes), and
 * the realpath of the result must still lie inside the allowed directory, so neither `..`, an
 * encoded separator, nor a symlink can reach anything else. Every failure is a 4xx.
 */
import { createHash } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { open, realpath, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Content type by extension; files of any other type are never served. */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.mpd': 'application/dash+xml',
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.m4s': 'video/iso.segment',
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.m4a': 'audio/mp4',
  '.ts': 'video/mp2t',
  '.vtt': 'text/vtt; charset=utf-8',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
};

/** One path segment we are willing to look up: starts with a letter, digit or `_`; no separators. */
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/**
 * The segments of a request's path remainder, or null when it is malformed: empty segments
 * (`//`, absolute paths), dot segments, hidden files, NUL, backslashes, or any percent-escape
 * in the raw URL (legitimate media names never need one; `%2e%2e`, `%2f` and double encoding
 * all land here).
 */
export function safeSegments(rawUrl: string, remainder: string): string[] | null {
  const rawPath = rawUrl.split('?')[0] ?? '';
  if (/[%\\\0]/.test(rawPath) || remainder.length > 1024) return null;
  const parts = remainder.split('/');
  return parts.every((p) => SEGMENT.test(p)) ? parts : null;
}

/** Realpath of `target` if it exists and lies strictly inside realpath `outer`; else null. */
export async function containedRealpath(outer: string, target: string): Promise<string | null> {
  try {
    const real = await realpath(target);
    return real.startsWith(outer + path.sep) ? real : null;
  } catch {
    return null; // ENOENT, ENOTDIR, ELOOP, EACCES: all simply "not here".
  }
}

/** An open regular file ready to send. */
export interface OpenFile {
  /** The open handle (closed by the body stream or by Entity.release). */
  handle: FileHandle;
  /** Its stat, taken from the handle (what is sent is what was checked). */
  stat: Stats;
  /** Its realpath. */
  file: string;
}

/** Open a regular file by realpath; null for directories and anything unreadable. */
export async function openRegular(file: string): Promise<OpenFile | null> {
  let handle: FileHandle | null = null;
  try {
    // O_NONBLOCK: opening a FIFO would otherwise wait for a writer and pin a pool thread.
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
    const stat = await handle.stat();
    if (stat.isFile()) return { handle, stat, file };
  } catch {
    // fall through: not servable
  }
  await handle?.close().catch(() => undefined);
  return null;
}

/** What sendEntity delivers. */
export interface Entity {
  /** Total length in bytes. */
  size: number;
  /** Strong validator, quoted (`"…"`), or null for none. */
  etag: string | null;
  /** Last modification, or null for none. */
  lastModified: Date | null;
  /** Content-Type header. */
  contentType: string;
  /** Cache-Control header. */
  cacheControl: string;
  /** Bytes `start..end` (inclusive). Called at most once, only when a body is sent. */
  body: (start: number, end: number) => Buffer | Readable;
  /** Called instead of `body` when no body is sent (304, 416, HEAD): frees a file handle. */
  release?: () => Promise<void> | void;
}

/** A strong ETag from a file's size and mtime (as nginx does). */
export function fileEtag(stat: Stats): string {
  return `"${Math.floor(stat.mtimeMs).toString(16)}-${stat.size.toString(16)}"`;
}

/** A strong ETag from content (generated manifests, live segments). */
export function contentEtag(bytes: Buffer | string): string {
  return `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 27)}"`;
}

/** An Entity over an in-memory buffer. */
export function bufferEntity(bytes: Buffer, contentType: string, cacheControl: string, lastModified: Date | null = null): Entity {
  return { size: bytes.length, etag: contentEtag(bytes), lastModified, contentType, cacheControl, body: (s, e) => bytes.subarray(s, e + 1) };
}

/** An Entity over an open file; the handle is closed by the stream or by release. */
export function fileEntity(f: OpenFile, contentType: string, cacheControl: string): Entity {
  return {
    size: f.stat.size,
    etag: fileEtag(f.stat),
    lastModified: f.stat.mtime,
    contentType,
    cacheControl,
    body: (start, end) => f.handle.createReadStream({ start, end, autoClose: true }),
    release: () => f.handle.close(),
  };
}

/** A byte range, inclusive. */
export interface ByteRange {
  /** First byte. */
  start: number;
  /** Last byte (inclusive). */
  end: number;
}

/**
 * Parse a Range header against `size`: a range, 'unsatisfiable' (→ 416), or null to ignore it
 * and send everything (a malformed header or several ranges, as RFC 9110 §14.2 allows).
 */
export function parseRange(header: string, size: number): ByteRange | 'unsatisfiable' | null {
  const m = /^bytes=(\d{0,15})-(\d{0,15})$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const last = m[2] === '' ? Infinity : Number(m[2]);
  if (last < start) return null;
  if (start >= size) return 'unsatisfiable';
  return { start, end: Math.min(last, size - 1) };
}

const bare = (tag: string) => tag.trim().replace(/^W\//, '');

/** True when the request's validators say the client's copy is current (RFC 9110 §13.2.2). */
function notModified(req: FastifyRequest, e: Entity): boolean {
  const inm = req.headers['if-none-match'];
  if (typeof inm === 'string') {
    return e.etag !== null && inm.split(',').some((t) => t.trim() === '*' || bare(t) === e.etag);
  }
  const ims = req.headers['if-modified-since'];
  if (typeof ims === 'string' && e.lastModified) {
    const since = Date.parse(ims);
    return Number.isFinite(since) && Math.floor(e.lastModified.getTime() / 1000) * 1000 <= since;
  }
  return false;
}

/** If-Range: honour the Range only if the client's validator still matches (strongly). */
function rangeStillValid(req: FastifyRequest, e: Entity): boolean {
  const ir = req.headers['if-range'];
  if (typeof ir !== 'string') return true;
  if (ir.trim().startsWith('"') || ir.trim().startsWith('W/')) return e.etag !== null && ir.trim() === e.etag;
  const date = Date.parse(ir);
  return e.lastModified !== null && Number.isFinite(date) && Math.floor(e.lastModified.getTime() / 1000) * 1000 === date;
}

/** Send an entity with validators, ranges and HEAD handled. */
export async function sendEntity(req: FastifyRequest, reply: FastifyReply, e: Entity): Promise<FastifyReply> {
  reply.header('accept-ranges', 'bytes').header('cache-control', e.cacheControl).header('x-content-type-options', 'nosniff');
  if (e.etag) reply.header('etag', e.etag);
  if (e.lastModified) reply.header('last-modified', e.lastModified.toUTCString());
  if (notModified(req, e)) {
    await e.release?.();
    return reply.code(304).send();
  }
  const header = req.headers.range;
  const range = typeof header === 'string' && rangeStillValid(req, e) ? parseRange(header, e.size) : null;
  if (range === 'unsatisfiable') {
    await e.release?.();
    return reply
      .code(416)
      .header('content-range', `bytes */${e.size}`)
      .type('application/json')
      .send({ code: 'VALIDATION_FAILED', message: `Range not satisfiable (size ${e.size})` });
  }
  const { start, end } = range ?? { start: 0, end: e.size - 1 };
  reply.type(e.contentType);
  if (range) reply.code(206).header('content-range', `bytes ${start}-${end}/${e.size}`);
  reply.header('content-length', String(end - start + 1));
  if (req.method === 'HEAD' || e.size === 0) {
    await e.release?.();
    // An empty stream, not undefined: Fastify's HEAD handler then keeps our Content-Length
    // (for an undefined payload it would announce 0).
    return reply.send(Readable.from([]));
  }
  return reply.send(e.body(start, end));
}
