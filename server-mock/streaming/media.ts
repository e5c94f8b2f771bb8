/**
 * The media server (视频服务器) of a streaming cluster:
 * - `GET /media/:programId/*` DASH/HLS manifests and segments of one programme, admitted by a
 *   play token (令牌, patent [0098]) for that programme, from `Authorization: Bearer` or, for
 *   players that cannot set headers, `?token=` — in which case manifests are rewritten so
 *   every segment URL carries the token too (manifest-token.ts). Live programmes also serve
 *   the virtual `live.mpd` and `live-*.m4s` of the emulated channel (live.ts).
 * - Seek-preview thumbnails (`thumbnails.vtt`, `thumbs-N.jpg`) also admit the terminal
 *   credential of a terminal whose catalogue holds the programme, so a Continue-watching card
 *   shows the frame at its breakpoint however old its record's play token is; a revoked or
 *   signed-out terminal gets 401 like everywhere else.
 * - `GET /artwork/*` public poster images, for home pages rendered before any play token
 *   (never the thumbnail sheets: frames of a programme are for those who may watch it).
 *
 * Nothing outside the media directory is reachable (send-entity.ts explains how); a malformed
 * path is a 400, anything absent, hidden or outside is a 404, never a 5xx.
 */
import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { AppError } from '../../common/errors.ts';
import { ProgramId } from '../../common/protocol/model.ts';
import { errorResponses } from '../http/schemas.ts';
import { DEFAULT_TIMESHIFT_WINDOW_SEC, LIVE_MANIFEST, liveInit, liveManifest, liveSegment, loadLiveSource, segmentEndEpochMs, type LiveSource } from './live.ts';
import { tokenizeM3u8, tokenizeMpd } from './manifest-token.ts';
import {
  bufferEntity,
  CONTENT_TYPES,
  containedRealpath,
  fileEntity,
  openRegular,
  safeSegments,
  sendEntity,
  type Entity,
} from './send-entity.ts';
import { isClaims, verifyPlayToken } from './tokens.ts';

/** Options of the media routes. */
export interface MediaRoutesOptions {
  /** Root of the media library: one folder per programme id. */
  mediaDir: string;
  /** Further roots searched after `mediaDir` (the media library's packaged programmes). */
  extraMediaDirs?: readonly string[];
  /** Key shared by the deployment's clusters, verifying play tokens. */
  tokenKey: Buffer;
  /** True when a token's terminal (`t`) or account (`u`) is revoked: checked in memory per request. */
  isRevoked?: (terminalId: string, userId: string) => boolean;
  /** Clock in epoch ms (tests freeze it); default Date.now. */
  now?: () => number;
  /**
   * Programmes served as emulated live channels (their folder is the loop source). Default:
   * any programme folder with a `manifest.mpd` answers `live.mpd`; pass the catalogue's
   * `kind: 'live'` ids to restrict it to those.
   */
  liveProgramIds?: readonly string[];
  /** Timeshift window of a live programme in seconds; default 1800. */
  timeshiftWindowSec?: (programId: string) => number;
  /**
   * Admit a terminal credential (`rat_…`) to a programme's thumbnails: `ok`, `unauthenticated`
   * (unknown, signed out or revoked), or `not-found` (not in that terminal's catalogue). Absent:
   * thumbnails need a play token like the rest.
   */
  admitTerminal?: (credential: string, programId: string) => Promise<'ok' | 'unauthenticated' | 'not-found'>;
}

/** Cache policy: manifests are revalidated every time, segments and images are immutable. */
const MANIFEST_CACHE = 'no-cache';
const SEGMENT_CACHE = 'private, max-age=86400';
const ARTWORK_CACHE = 'public, max-age=3600';
const IMAGE_EXTS = new Set(['.jpg', '.jpeg', '.png', '.webp']);
/** Manifests are rewritten in memory; anything larger is not a manifest we made. */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/** How the request presented its token (query tokens are propagated into manifests). */
interface TokenUse {
  token: string;
  fromQuery: boolean;
}

const tokenUses = new WeakMap<FastifyRequest, TokenUse>();

const notFound = () => new AppError('NOT_FOUND', 'No such media file');

/** The play token of a request: the Bearer header first, else `?token=`. */
function presentedToken(req: FastifyRequest): TokenUse | 'ambiguous' | null {
  const header = req.headers.authorization;
  const m = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (m?.[1]) return { token: m[1], fromQuery: false };
  const q = (req.query as Record<string, unknown> | undefined)?.token;
  if (Array.isArray(q)) return 'ambiguous';
  return typeof q === 'string' && q.length > 0 ? { token: q, fromQuery: true } : null;
}

/** Seek-preview thumbnails of a programme folder: the WebVTT track and its JPEG sheets. */
const THUMBNAIL_FILE = /^(thumbnails\.vtt|thumbs-\d{1,6}\.jpg)$/;

/** True for files that are manifests (rewritten for query tokens, never cached). */
const isManifest = (name: string) => name.endsWith('.mpd') || name.endsWith('.m3u8');

/** The media server's routes (`/media/:programId/*`, `/artwork/*`); register once per cluster. */
export const mediaRoutes: FastifyPluginAsyncTypebox<MediaRoutesOptions> = async (app, opts) => {
  const clock = opts.now ?? Date.now;
  const liveIds = opts.liveProgramIds ? new Set(opts.liveProgramIds) : null;
  const isLive = (programId: string) => liveIds === null || liveIds.has(programId);
  const windowOf = opts.timeshiftWindowSec ?? (() => DEFAULT_TIMESHIFT_WINDOW_SEC);
  // One parse per live folder for the life of the process. A configured channel that failed
  // to load is retried (its media may still be arriving); an auto-detected folder that cannot
  // loop stays refused, so probing it cannot make us re-read a whole programme per request.
  const liveSources = new Map<string, Promise<LiveSource>>();

  const roots = [opts.mediaDir, ...(opts.extraMediaDirs ?? [])];
  /** The real roots that exist, in order. */
  const mediaRoots = async () => (await Promise.all(roots.map((r) => realpath(r).catch(() => null)))).filter((r): r is string => r !== null);
  /** The first root holding `first` (a programme folder), else a 404. */
  const rootOf = async (first: string) => {
    for (const root of await mediaRoots()) {
      const hit = await containedRealpath(root, path.join(root, first));
      if (hit) return { root, hit };
    }
    throw notFound();
  };

  /** Thumbnails presented with a terminal credential: admitted, or refused as the credential deserves. */
  async function admitTerminal(req: FastifyRequest, reply: FastifyReply, use: TokenUse): Promise<boolean> {
    const { programId, '*': rest } = req.params as { programId?: string; '*'?: string };
    if (!opts.admitTerminal || use.fromQuery || !use.token.startsWith('rat_') || !programId || !THUMBNAIL_FILE.test(rest ?? '')) return false;
    const verdict = await opts.admitTerminal(use.token, programId);
    if (verdict === 'unauthenticated') {
      reply.header('www-authenticate', 'Bearer realm="media", error="invalid_token"');
      throw new AppError('UNAUTHENTICATED', 'A valid terminal credential is required');
    }
    if (verdict === 'not-found') throw notFound();
    reply.removeHeader('www-authenticate');
    tokenUses.set(req, use);
    return true;
  }

  /** onRequest: admit only a valid, unexpired token for this very programme (or a terminal, for thumbnails). */
  async function requirePlayToken(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const presented = presentedToken(req);
    reply.header('www-authenticate', 'Bearer realm="media"');
    if (presented === null) throw new AppError('UNAUTHENTICATED', 'A play token is required (Authorization: Bearer or ?token=)');
    if (presented !== 'ambiguous' && (await admitTerminal(req, reply, presented))) return;
    const claims = presented === 'ambiguous' ? null : verifyPlayToken(opts.tokenKey, presented.token, Math.floor(clock() / 1000));
    const programId = (req.params as { programId?: string }).programId;
    const revoked = claims !== null && isClaims(claims) && opts.isRevoked?.(claims.t, claims.u) === true;
    if (presented === 'ambiguous' || !claims || !isClaims(claims) || claims.p !== programId || revoked) {
      reply.header('www-authenticate', 'Bearer realm="media", error="invalid_token"');
      throw new AppError('TOKEN_INVALID', 'The play token is invalid, expired, or for another programme');
    }
    reply.removeHeader('www-authenticate');
    tokenUses.set(req, presented);
  }

  /** The live source of a programme folder, loaded once. */
  function liveSource(programDir: string, programId: string): Promise<LiveSource> {
    let pending = liveSources.get(programId);
    if (!pending) {
      pending = loadLiveSource(programDir);
      liveSources.set(programId, pending);
      pending.catch(() => liveIds !== null && liveSources.delete(programId));
    }
    return pending;
  }

  /** The virtual files of a live channel, or null when `name` is not one of them. */
  async function liveEntity(programId: string, programDir: string, name: string, use: TokenUse): Promise<Entity | null> {
    const init = /^live-init-([A-Za-z0-9_]+)\.m4s$/.exec(name);
    const seg = init ? null : /^live-([A-Za-z0-9_]+)-(\d{1,15})\.m4s$/.exec(name);
    if (name !== LIVE_MANIFEST && !init && !seg) return null;
    if (!(await containedRealpath(programDir, path.join(programDir, 'manifest.mpd')))) throw notFound();
    const src = await liveSource(programDir, programId).catch((err: unknown) => {
      // A configured channel that cannot loop is a server fault (500, logged); a folder merely
      // probed by auto-detection is simply not a channel.
      if (liveIds !== null) throw err;
      app.log.warn({ err, programId }, 'folder cannot be served as a live channel');
      throw notFound();
    });
    const now = clock();
    if (name === LIVE_MANIFEST) {
      const mpd = liveManifest(src, { nowMs: now, timeshiftWindowSec: windowOf(programId) });
      const text = use.fromQuery ? tokenizeMpd(mpd, use.token) : mpd;
      return bufferEntity(Buffer.from(text), CONTENT_TYPES['.mpd'] as string, MANIFEST_CACHE);
    }
    if (init) {
      const bytes = liveInit(src, init[1] as string);
      if (!bytes) throw notFound();
      return bufferEntity(bytes, CONTENT_TYPES['.m4s'] as string, SEGMENT_CACHE);
    }
    const number = Number(seg?.[2]);
    const bytes = liveSegment(src, seg?.[1] as string, number, now, windowOf(programId));
    if (!bytes) throw new AppError('NOT_FOUND', `Live segment ${number} is not available now (not yet produced, or outside the timeshift window)`);
    return bufferEntity(bytes, CONTENT_TYPES['.m4s'] as string, SEGMENT_CACHE, new Date(segmentEndEpochMs(src, number)));
  }

  /** A real file of the programme folder; manifests rewritten when the token came in the query. */
  async function fileEntityOf(programDir: string, parts: string[], use: TokenUse): Promise<Entity> {
    const name = parts.at(-1) as string;
    const type = CONTENT_TYPES[path.extname(name).toLowerCase()];
    const real = type ? await containedRealpath(programDir, path.join(programDir, ...parts)) : null;
    const f = real ? await openRegular(real) : null;
    if (!type || !f) throw notFound();
    if (!isManifest(name)) return fileEntity(f, type, SEGMENT_CACHE);
    if (!use.fromQuery) return fileEntity(f, type, MANIFEST_CACHE);
    try {
      if (f.stat.size > MAX_MANIFEST_BYTES) throw notFound();
      const text = await readFile(f.handle, 'utf8');
      const rewritten = name.endsWith('.mpd') ? tokenizeMpd(text, use.token) : tokenizeM3u8(text, use.token);
      return bufferEntity(Buffer.from(rewritten), type, MANIFEST_CACHE, f.stat.mtime);
    } finally {
      await f.handle.close();
    }
  }

  app.get(
    '/media/:programId/*',
    {
      onRequest: requirePlayToken,
      schema: {
        tags: ['streaming'],
        summary: 'Media server: DASH/HLS manifests and segments of a programme (play token for that programme)',
        description:
          'Token as `Authorization: Bearer <play token>` or `?token=` (manifests then carry it into every segment URL). ' +
          'The seek-preview thumbnails (`thumbnails.vtt`, `thumbs-N.jpg`) also take `Authorization: Bearer <terminal credential>` of a terminal offered the programme. ' +
          'Single byte ranges, ETag/Last-Modified, HEAD. Live programmes also serve `live.mpd` and `live-*.m4s`.',
        params: Type.Object({ programId: ProgramId, '*': Type.String({ maxLength: 1024 }) }),
        querystring: Type.Object({ token: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })) }),
        response: { ...errorResponses },
      },
    },
    async (req, reply) => {
      const { programId } = req.params;
      const parts = safeSegments(req.url, req.params['*']);
      if (!parts) throw new AppError('VALIDATION_FAILED', 'Malformed media path');
      const use = tokenUses.get(req) as TokenUse;
      const { hit: programDir } = await rootOf(programId);
      const liveFile = isLive(programId) && parts.length === 1 ? await liveEntity(programId, programDir, parts[0] as string, use) : null;
      return sendEntity(req, reply, liveFile ?? (await fileEntityOf(programDir, parts, use)));
    },
  );

  app.get(
    '/artwork/*',
    {
      schema: {
        tags: ['streaming'],
        summary: 'Public artwork (posters) of the media library; images only, never the thumbnail sheets',
        params: Type.Object({ '*': Type.String({ maxLength: 1024 }) }),
        response: { ...errorResponses },
      },
    },
    async (req, reply) => {
      const parts = safeSegments(req.url, req.params['*']);
      if (!parts) throw new AppError('VALIDATION_FAILED', 'Malformed artwork path');
      const name = parts.at(-1) as string;
      const ext = path.extname(name).toLowerCase();
      const image = IMAGE_EXTS.has(ext) && !THUMBNAIL_FILE.test(name);
      const { root } = image ? await rootOf(parts[0] as string).catch(() => ({ root: null })) : { root: null };
      const real = root ? await containedRealpath(root, path.join(root, ...parts)) : null;
      const f = real ? await openRegular(real) : null;
      if (!f) throw new AppError('NOT_FOUND', 'No such artwork');
      return sendEntity(req, reply, fileEntity(f, CONTENT_TYPES[ext] as string, ARTWORK_CACHE));
    },
  );
};
