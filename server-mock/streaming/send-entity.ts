/**
 * HTTP delivery of media bytes: safe resolution of a request path to a file inside the media
 * directory, and a sender that speaks the parts of HTTP players rely on — single byte ranges
 * (206/416), validators (ETag, Last-Modified → 304, If-Range), preconditions (If-Match,
 * If-Unmodified-Since → 412), cache policy and HEAD.
 *
 * Files are sent by @fastify/send (what @fastify/static uses). Generated entities — live
 * manifests and segments, manifests rewritten to carry a query token — exist only in memory,
 * which @fastify/send cannot serve; for them `fresh` decides 304 and `range-parser` reads the
 * Range (the libraries Express uses), and the few lines here only wire them up.
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
import send from '@fastify/send';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fresh from 'fresh';
import { parse as parseRangeHeader } from 'range-parser';
import { AppError, assertNever } from '../../common/errors.ts';

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

/** What sendEntity delivers: an open file, or bytes made for this request. */
export type Entity = FileEntity | BufferEntity;

/** A regular file of the media library, sent by @fastify/send. */
export interface FileEntity {
  kind: 'file';
  /** The file, opened and checked to be regular (its handle is closed before sending). */
  file: OpenFile;
  /** Content-Type header. */
  contentType: string;
  /** Cache-Control header. */
  cacheControl: string;
}

/** Bytes generated in memory (live manifests and segments, token-rewritten manifests). */
export interface BufferEntity {
  kind: 'buffer';
  bytes: Buffer;
  /** Strong validator of the content, quoted. */
  etag: string;
  /** Last modification, or null for none. */
  lastModified: Date | null;
  /** Content-Type header. */
  contentType: string;
  /** Cache-Control header. */
  cacheControl: string;
}

/** A strong ETag from content (generated manifests, live segments). */
export function contentEtag(bytes: Buffer | string): string {
  return `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 27)}"`;
}

/** An Entity over an in-memory buffer. */
export function bufferEntity(bytes: Buffer, contentType: string, cacheControl: string, lastModified: Date | null = null): Entity {
  return { kind: 'buffer', bytes, etag: contentEtag(bytes), lastModified, contentType, cacheControl };
}

/** An Entity over an open file; sendEntity closes the handle. */
export function fileEntity(f: OpenFile, contentType: string, cacheControl: string): Entity {
  return { kind: 'file', file: f, contentType, cacheControl };
}

/**
 * What to do with a Range header, the same for files and generated bytes: one satisfiable
 * range → 206; none satisfiable → 416; malformed, several ranges, or another unit → ignore it
 * and send everything (RFC 9110 §14.2 lets a server ignore Range; multipart is not worth it).
 */
export function rangeOf(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  if (typeof header !== 'string') return null;
  const parsed = parseRangeHeader(size, header);
  if (parsed.type !== 'bytes') return null;
  if (parsed.code === 2 && parsed.ranges.length === 0) return 'unsatisfiable';
  return parsed.code === 0 && parsed.ranges.length === 1 ? (parsed.ranges[0] ?? null) : null;
}

/**
 * `bytes=-N` with N at least the size means the whole representation (RFC 9110 §14.1.2: "if the
 * selected representation is shorter than the specified suffix-length, the entire
 * representation is used"); range-parser, and @fastify/send through it, answer it 416. Rewritten
 * as `bytes=0-` before either sees it.
 */
export function wholeForLongSuffix(header: string | undefined, size: number): string | undefined {
  const m = typeof header === 'string' ? /^bytes=\s*-(\d+)\s*$/.exec(header) : null;
  return m && size > 0 && Number(m[1]) >= size ? 'bytes=0-' : header;
}

/** A refusal in our error vocabulary instead of @fastify/send's HTML pages. */
function refuse(reply: FastifyReply, status: 412 | 416, size: number): FastifyReply {
  const body =
    status === 416
      ? { code: 'VALIDATION_FAILED', message: `Range not satisfiable (size ${size})` }
      : { code: 'PRECONDITION_FAILED', message: 'The representation does not match If-Match / If-Unmodified-Since' };
  if (status === 416) reply.header('content-range', `bytes */${size}`);
  return reply.code(status).type('application/json').send(body);
}

/** Send a file through @fastify/send, with our content type, cache policy and error bodies. */
async function sendFile(req: FastifyRequest, reply: FastifyReply, e: FileEntity): Promise<FastifyReply> {
  const { file, stat } = e.file;
  // Our handle proved the path is a regular file (a FIFO would block send's read stream);
  // send re-opens it by path. The path is a realpath already checked to lie inside the library.
  await e.file.handle.close();
  const sent = await send(req.raw, encodeURIComponent(path.basename(file)), {
    root: path.dirname(file),
    dotfiles: 'allow',
    index: false,
    cacheControl: false,
    contentType: false,
    // A Range we ignore (rangeOf) is hidden from send, which would answer some of them 416.
    acceptRanges: rangeOf(req.headers.range, stat.size) !== null,
  });
  if (sent.type === 'error') {
    sent.stream.destroy();
    if (sent.statusCode === 412 || sent.statusCode === 416) return refuse(reply, sent.statusCode, stat.size);
    // Gone between our check and send's stat: as absent as it now is. Anything else is a fault.
    if (sent.statusCode === 404) throw new AppError('NOT_FOUND', 'No such media file');
    throw sent.metadata.error;
  }
  reply.code(sent.statusCode).headers(sent.headers).header('accept-ranges', 'bytes');
  reply.header('cache-control', e.cacheControl).header('x-content-type-options', 'nosniff');
  if (sent.statusCode !== 304) reply.type(e.contentType);
  return reply.send(sent.stream);
}

/** True when a precondition fails (RFC 9110 §13.2.2 steps 1–2) for a generated entity. */
function preconditionFailed(req: FastifyRequest, e: BufferEntity): boolean {
  const ifMatch = req.headers['if-match'];
  if (typeof ifMatch === 'string') return ifMatch.trim() !== '*' && !ifMatch.split(',').some((t) => t.trim() === e.etag);
  const since = Date.parse(String(req.headers['if-unmodified-since'] ?? ''));
  return Number.isFinite(since) && e.lastModified !== null && Math.floor(e.lastModified.getTime() / 1000) * 1000 > since;
}

/** If-Range: honour the Range only while the client's validator still matches (strongly). */
function rangeStillValid(req: FastifyRequest, e: BufferEntity, lastModified: string | undefined): boolean {
  const ir = String(req.headers['if-range'] ?? '').trim();
  if (!ir) return true;
  return ir.startsWith('"') ? ir === e.etag : lastModified !== undefined && Date.parse(ir) === Date.parse(lastModified);
}

/** Send generated bytes with the same validators, ranges and HEAD as a file. */
function sendBuffer(req: FastifyRequest, reply: FastifyReply, e: BufferEntity): FastifyReply {
  const size = e.bytes.length;
  const lastModified = e.lastModified?.toUTCString();
  reply.header('accept-ranges', 'bytes').header('cache-control', e.cacheControl).header('x-content-type-options', 'nosniff').header('etag', e.etag);
  if (lastModified) reply.header('last-modified', lastModified);
  if (preconditionFailed(req, e)) return refuse(reply, 412, size);
  if (fresh(req.headers, { etag: e.etag, 'last-modified': lastModified })) return reply.code(304).send();
  const range = rangeStillValid(req, e, lastModified) ? rangeOf(req.headers.range, size) : null;
  if (range === 'unsatisfiable') return refuse(reply, 416, size);
  const { start, end } = range ?? { start: 0, end: size - 1 };
  reply.type(e.contentType).header('content-length', String(Math.max(0, end - start + 1)));
  if (range) reply.code(206).header('content-range', `bytes ${start}-${end}/${size}`);
  // An empty stream, not undefined: Fastify's HEAD handler then keeps our Content-Length.
  if (req.method === 'HEAD' || size === 0) return reply.send(Readable.from([]));
  return reply.send(e.bytes.subarray(start, end + 1));
}

/** Send an entity with validators, preconditions, ranges and HEAD handled. */
export async function sendEntity(req: FastifyRequest, reply: FastifyReply, e: Entity): Promise<FastifyReply> {
  const range = wholeForLongSuffix(req.headers.range, e.kind === 'file' ? e.file.stat.size : e.bytes.length);
  if (range !== req.headers.range) req.raw.headers.range = req.headers.range = range;
  switch (e.kind) {
    case 'file':
      return sendFile(req, reply, e);
    case 'buffer':
      return sendBuffer(req, reply, e);
    default:
      return assertNever(e, 'entity');
  }
}
