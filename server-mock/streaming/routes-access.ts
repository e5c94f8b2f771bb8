/**
 * The access server (接入服务器) and the play-session routes of a streaming cluster:
 * - `POST /stream/v1/play`: authenticate the terminal (credential, or a play token of the same
 *   user, patent [0098]/[0108]), check the programme is allowed for its type, issue a play
 *   token, pick this cluster's link and say where to start;
 * - `POST /stream/v1/sessions/:id/heartbeat` and `…/stop`: record the position and report it
 *   to global through the durable reporter ([0069]–[0071]).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import { checkBreakpoint, isProblem } from '../../common/breakpoint.ts';
import { AppError } from '../../common/errors.ts';
import type { Breakpoint, Program } from '../../common/protocol/model.ts';
import { Id } from '../../common/protocol/model.ts';
import {
  HeartbeatRequest,
  HeartbeatResponse,
  PlayRequest,
  PlayResponse,
  StopRequest,
  StopResponse,
  type LiveEdgeReason,
} from '../../common/protocol/stream.ts';
import { preferredTracks } from '../../common/tracks.ts';
import type { ProgramsAnswer } from '../../common/protocol/api.ts';
import type { GlobalClient } from '../global-client.ts';
import type { RevocationSource } from '../revocation-feed.ts';
import { bearerToken, type TerminalIdentity } from '../http/auth.ts';
import { errorResponses } from '../http/schemas.ts';
import { isCdnUrl, type MediaChecker } from './media-check.ts';
import type { PlaySession, SessionManager } from './sessions.ts';
import { isClaims, signPlayToken, verifyPlayToken, type PlayTokenClaims } from './tokens.ts';

/** Where a live programme starts, given the asked wall-clock moment (or none). */
export type LiveStartResolver = (
  program: Program,
  breakpointEpochMs: number | null,
  nowMs: number,
) => Promise<{ startEpochMs: number; atLiveEdge: boolean; reason?: LiveEdgeReason; liveEpochMs: number }>;

/** Options of the access routes. */
export interface AccessRoutesOptions {
  client: GlobalClient;
  sessions: SessionManager;
  tokenKey: Buffer;
  clusterId: string;
  tokenTtlSec: number;
  heartbeatIntervalMs: number;
  /** Base URL terminals use to reach this cluster; null = from the request's Host. */
  publicUrl: string | null;
  liveStart: LiveStartResolver;
  /** Checks that a link's media is there before a session opens (absent: not checked). */
  media?: MediaChecker;
  /** Revoked terminals and accounts: their tokens admit nothing and renew nothing. */
  revocations: RevocationSource;
  /**
   * Awaited before a stop is answered: the cluster's reports reaching global (bounded; see
   * Reporter.settled). Absent: the stop is answered once its report is stored.
   */
  reportsSettled?: () => Promise<void>;
  now?: () => number;
}

/** How long the cluster reuses global's whole catalogue for taking over sessions. */
export const CATALOGUE_REUSE_MS = 5_000;

/**
 * Global's unfiltered catalogue, fetched at most once per `ttlMs` and by one request at a time
 * (callers arriving meanwhile share it; a failure is not kept). Taking over a session needs
 * only its programme, and after a node restart every open session is taken over at once: with
 * global over HTTP, one catalogue request per session held a cluster to ~100 takeovers/s
 * (bench/heartbeat.ts, split layout). Like the introspection cache (global-client.ts), a
 * change reaches this copy within the TTL; a session's programme was checked when it opened.
 */
export function reusedCatalogue(client: Pick<GlobalClient, 'programs'>, ttlMs = CATALOGUE_REUSE_MS, clock: () => number = Date.now) {
  let kept: { at: number; answer: Promise<ProgramsAnswer> } | null = null;
  return (): Promise<ProgramsAnswer> => {
    const t = clock();
    if (kept && t - kept.at < ttlMs) return kept.answer;
    const entry = { at: t, answer: client.programs() };
    kept = entry;
    entry.answer.catch(() => {
      if (kept === entry) kept = null;
    });
    return entry.answer;
  };
}

/** A heartbeat renews a token with this little left whatever its lifetime (see `renewed`). */
export const KEEP_TOKEN_MIN_SEC = 60;

const tokenInvalid = (why: string) => new AppError('TOKEN_INVALID', `Play token refused: ${why}`);
const sessionNotFound = () => new AppError('SESSION_NOT_FOUND', 'No such play session for this token');
const sec = (ms: number) => Math.floor(ms / 1000);

/** The link this cluster serves a programme from (its own, else a cluster-agnostic one). */
export function linkFor(program: Program, clusterId: string) {
  return program.links.find((l) => l.clusterId === clusterId) ?? program.links.find((l) => l.clusterId === undefined) ?? null;
}

export const accessRoutes: FastifyPluginAsyncTypebox<AccessRoutesOptions> = async (app, o) => {
  // Read through Date each time (not a captured Date.now): tests move the clock with vi.setSystemTime.
  const now = o.now ?? (() => Date.now());
  const tags = ['streaming'];
  const catalogue = reusedCatalogue(o.client);
  const issue = (claims: Omit<PlayTokenClaims, 'iat' | 'exp' | 'c'>) => {
    const iat = sec(now());
    const exp = iat + o.tokenTtlSec;
    const signed: PlayTokenClaims = { ...claims, c: o.clusterId, iat, exp };
    return { token: signPlayToken(o.tokenKey, signed), expiresAt: exp * 1000, claims: signed };
  };
  const verify = (token: string) => {
    const v = verifyPlayToken(o.tokenKey, token, sec(now()));
    if (!isClaims(v)) throw tokenInvalid(v.problem);
    if (o.revocations.isRevoked(v.t, v.u)) throw tokenInvalid('its terminal or account was signed out');
    return v;
  };
  /** Two tokens are the same string (constant time: a near-miss must not tell how near). */
  const sameToken = (a: string, b: string) => {
    const x = Buffer.from(a, 'utf8');
    const y = Buffer.from(b, 'utf8');
    return x.length === y.length && timingSafeEqual(x, y);
  };
  /**
   * The token a heartbeat answers: the session's current one while more than half its lifetime
   * and more than `KEEP_TOKEN_MIN_SEC` are left, else a new one. A terminal thus always holds at
   * least half of `tokenTtlSec`, and never a token it would itself renew soon: a player renews
   * one that has under 20 s left before a media request (renderer reporter.ts), and a heartbeat
   * answering that with the same token would only be asked again. With the
   * current token kept (`sessionOf`), a heartbeat costs no HMAC at all where it cost two
   * (verify the presented token, sign a new one): ~13 % of the route's CPU (`node bench/profile.ts heartbeat`).
   */
  const renewed = (s: PlaySession) => {
    const left = s.playTokenExp !== undefined ? s.playTokenExp - sec(now()) : 0;
    if (left > o.tokenTtlSec / 2 && left > KEEP_TOKEN_MIN_SEC) return { token: s.playToken, expiresAt: (s.playTokenExp as number) * 1000 };
    const fresh = issue({
      u: s.userId, t: s.terminalId, p: s.program.id, s: s.id, ...(s.profileId ? { pf: s.profileId } : {}),
      tt: s.terminalType, st: s.startedAt, ...(s.resumedFrom?.kind === 'offset' ? { rf: s.resumedFrom.offsetMs } : {}),
    });
    s.playToken = fresh.token;
    s.playTokenExp = fresh.claims.exp;
    return fresh;
  };
  const baseUrl = (req: FastifyRequest) => o.publicUrl ?? `${req.protocol}://${req.host}`;

  /** Who is asking to play: credential → introspection; else a same-user play token. */
  async function admit(req: FastifyRequest, body: PlayRequest): Promise<{ id: TerminalIdentity; byToken: boolean; claims: PlayTokenClaims | null }> {
    // Fail closed: while this cluster cannot hear revocations, it admits no new session.
    if (!o.revocations.ready) throw new AppError('UPSTREAM_UNAVAILABLE', 'The global server is unreachable; try again shortly');
    const credential = bearerToken(req);
    if (body.handoff && !body.playToken) throw new AppError('VALIDATION_FAILED', 'A handoff presents the play token of the session taken over');
    const claims = body.playToken ? verify(body.playToken) : null;
    if (claims && claims.p !== body.programId) throw tokenInvalid('issued for another programme');
    if (credential) {
      const id = await o.client.introspect(credential);
      if (!id) throw new AppError('UNAUTHENTICATED', 'A valid terminal credential is required');
      if (claims && claims.u !== id.userId) throw tokenInvalid('issued to another user');
      return { id, byToken: false, claims };
    }
    if (!claims || !body.terminalId) {
      throw new AppError('UNAUTHENTICATED', 'Send a terminal credential, or a play token with your terminal id');
    }
    const id = await o.client.terminal(body.terminalId);
    if (!id || id.userId !== claims.u) throw tokenInvalid('issued to another user');
    return { id, byToken: true, claims };
  }

  app.post(
    '/stream/v1/play',
    {
      schema: {
        tags,
        summary: 'Start a play session: authenticate (credential or a same-user play token), get a play token and where to start',
        security: [{ terminalCredential: [] }, {}],
        body: PlayRequest,
        response: { 200: PlayResponse, ...errorResponses },
      },
    },
    async (req) => {
      const body = req.body;
      const { id, byToken, claims } = await admit(req, body);
      if (o.revocations.isRevoked(id.terminal.id, id.userId)) throw new AppError('UNAUTHENTICATED', 'A valid terminal credential is required');
      const answer = await o.client.programs(id.terminal.id);
      const program = answer.programs.find((p) => p.id === body.programId);
      if (!program) {
        // The filtered catalogue lacks it: unknown, not for this terminal type, or above the
        // current profile's maturity limit (global filtered by both).
        const all = await o.client.programs();
        const known = all.programs.find((p) => p.id === body.programId);
        if (known && !known.terminalTypes.includes(id.terminal.type)) {
          throw new AppError('PROGRAM_NOT_ALLOWED', 'Programme is not offered to this terminal type');
        }
        if (known) throw new AppError('PROGRAM_RESTRICTED', 'This profile’s maturity limit does not allow this programme');
        if (all.withdrawn?.includes(body.programId)) throw new AppError('PROGRAM_WITHDRAWN', 'The programme was withdrawn (its media was removed)');
        throw new AppError('PROGRAM_NOT_FOUND', 'Unknown programme');
      }
      const profileId = answer.profile?.id ?? null;
      // A handoff continues one person's viewing: the same profile, not just the same household.
      if (body.handoff && claims?.pf !== undefined && claims.pf !== profileId) throw tokenInvalid('issued to another profile');
      const link = linkFor(program, o.clusterId);
      if (!link) throw new AppError('PROGRAM_NOT_FOUND', 'Programme is not available on this streaming cluster');
      const protocol: 'dash' | 'hls' = body.protocol === 'hls' && link.hls ? 'hls' : 'dash';
      const state = o.media ? await o.media.check(link, program.id) : 'ok';
      if (state !== 'ok') {
        throw new AppError('MEDIA_UNAVAILABLE', state === 'missing' ? 'The programme’s media is missing on this streaming cluster' : 'The programme’s media cannot be reached on its CDN');
      }
      const t = now();

      let start: Breakpoint;
      let live: { atLiveEdge: boolean; reason?: LiveEdgeReason; liveEpochMs?: number } = { atLiveEdge: false };
      if (program.kind === 'live') {
        if (body.breakpoint && body.breakpoint.kind !== 'wallclock') {
          throw new AppError('INVALID_POSITION', 'A live breakpoint is a wall-clock time');
        }
        const r = await o.liveStart(program, body.breakpoint?.kind === 'wallclock' ? body.breakpoint.epochMs : null, t).catch((err: unknown) => {
          // A live channel whose loop source cannot be read is unplayable, not a server fault.
          req.log.warn({ err, programId: program.id }, 'live channel media unavailable');
          throw new AppError('MEDIA_UNAVAILABLE', 'The live channel’s media is missing or unreadable on this streaming cluster');
        });
        start = { kind: 'wallclock', epochMs: r.startEpochMs };
        live = { atLiveEdge: r.atLiveEdge, liveEpochMs: r.liveEpochMs, ...(r.reason ? { reason: r.reason } : {}) };
      } else {
        const checked = body.breakpoint ? checkBreakpoint(body.breakpoint, program, t) : { kind: 'offset' as const, offsetMs: 0 };
        if (isProblem(checked)) throw new AppError(checked.code, checked.message);
        start = checked;
      }

      // The audio, subtitles and speed to start with: this user's newest choice (common/tracks.ts).
      // The session starts with it, so a terminal that reports only what it changes still
      // leaves a whole choice on its record.
      const tracks = preferredTracks(program.id, answer.history, answer.programs);
      const sessionId = randomBytes(12).toString('base64url');
      const resumedFrom = body.breakpoint && program.kind === 'vod' ? start : null;
      const { token, expiresAt } = issue({
        u: id.userId, t: id.terminal.id, p: program.id, s: sessionId, ...(profileId ? { pf: profileId } : {}),
        tt: id.terminal.type, st: t, ...(resumedFrom?.kind === 'offset' ? { rf: resumedFrom.offsetMs } : {}),
      });
      const minSeq = answer.history.filter((r) => r.terminalId === id.terminal.id).reduce((m, r) => Math.max(m, r.seq), 0);
      o.sessions.open({
        id: sessionId,
        userId: id.userId,
        terminalId: id.terminal.id,
        terminalType: id.terminal.type,
        profileId,
        program,
        startedAt: t,
        position: start,
        seq: -1,
        resumedFrom,
        playToken: token,
        playTokenExp: expiresAt / 1000,
        tracks,
      });
      const path = protocol === 'hls' ? (link.hls as string) : link.dash;
      return {
        sessionId,
        playToken: token,
        tokenExpiresAt: expiresAt,
        // An operator CDN link is played from the CDN itself (docs/CDN.md: how it checks the token).
        manifestUrl: isCdnUrl(path) ? path : `${baseUrl(req)}/media/${path}`,
        protocol,
        start,
        atLiveEdge: live.atLiveEdge,
        ...(live.reason ? { liveEdgeReason: live.reason } : {}),
        ...(live.liveEpochMs !== undefined ? { liveEpochMs: live.liveEpochMs } : {}),
        heartbeatIntervalMs: o.heartbeatIntervalMs,
        minSeq,
        program,
        clusterId: o.clusterId,
        admittedByToken: byToken,
        ...(tracks ? { tracks } : {}),
        ...(profileId ? { profileId } : {}),
      };
    },
  );

  /** The open session a request's play token addresses (header, or ?token= for beacons). */
  async function sessionOf(req: FastifyRequest, sessionId: string, allowClosed = false): Promise<PlaySession> {
    const token = bearerToken(req, true) ?? (req.query as { token?: string } | undefined)?.token;
    if (!token) throw new AppError('UNAUTHENTICATED', 'The session’s play token is required');
    const open = o.sessions.get(sessionId);
    // The session's current token, presented again (every heartbeat of a playing terminal):
    // signed by this cluster already, so only its expiry and revocation are checked.
    if (open?.playTokenExp !== undefined && sameToken(open.playToken, token)) {
      if (open.playTokenExp <= sec(now())) throw tokenInvalid('expired');
      if (o.revocations.isRevoked(open.terminalId, open.userId)) throw tokenInvalid('its terminal or account was signed out');
      if (open.closedAt !== null && !allowClosed) throw sessionNotFound();
      return open;
    }
    const claims = verify(token);
    // A token of another session (another terminal's, say) does not reveal whether this one exists.
    if (claims.s !== sessionId) throw sessionNotFound();
    const s = open ?? (await adopt(claims, token));
    if (!s || (s.closedAt !== null && !allowClosed)) throw sessionNotFound();
    // Keep the longest-lived token this node has verified as the session's current one.
    if (s.playTokenExp === undefined || claims.exp > s.playTokenExp) {
      s.playToken = token;
      s.playTokenExp = claims.exp;
    }
    return s;
  }

  /**
   * Take over a session another node of this cluster opened (behind a load balancer, or after
   * that node died): everything needed is in its signed token. The next heartbeat or stop sets
   * the position; reports keep their ids (session + seq), so one sent by both nodes is a
   * duplicate at global, never a second write.
   */
  async function adopt(claims: PlayTokenClaims, token: string): Promise<PlaySession | null> {
    if (claims.c !== o.clusterId || !claims.tt) return null;
    const program = (await catalogue()).programs.find((p) => p.id === claims.p);
    if (!program) return null;
    const existing = o.sessions.get(claims.s);
    if (existing) return existing;
    const resumedFrom: Breakpoint | null = claims.rf !== undefined ? { kind: 'offset', offsetMs: claims.rf } : null;
    return o.sessions.open({
      id: claims.s, userId: claims.u, terminalId: claims.t, terminalType: claims.tt, profileId: claims.pf ?? null, program,
      startedAt: claims.st ?? claims.iat * 1000, position: resumedFrom ?? (program.kind === 'live' ? { kind: 'wallclock', epochMs: now() } : { kind: 'offset', offsetMs: 0 }),
      seq: -1, resumedFrom, playToken: token, playTokenExp: claims.exp,
    });
  }

  function checkedPosition(s: PlaySession, position: Breakpoint): Breakpoint {
    const checked = checkBreakpoint(position, s.program, now());
    if (isProblem(checked)) throw new AppError(checked.code, checked.message);
    return checked;
  }

  const params = Type.Object({ sessionId: Id });
  const querystring = Type.Object({ token: Type.Optional(Type.String({ maxLength: 2000 })) });

  app.post(
    '/stream/v1/sessions/:sessionId/heartbeat',
    {
      schema: {
        tags,
        summary: 'Report the position while playing (and on pause / seek); renews the play token once half its lifetime has passed',
        security: [{ playToken: [] }],
        params,
        querystring,
        body: HeartbeatRequest,
        response: { 200: HeartbeatResponse, ...errorResponses },
      },
    },
    async (req) => {
      const s = await sessionOf(req, req.params.sessionId);
      const position = checkedPosition(s, req.body.position);
      const result = await o.sessions.update(s, {
        position,
        seq: req.body.seq,
        event: req.body.event ?? 'heartbeat',
        seekedBack: req.body.seekedBack,
        tracks: req.body.tracks,
        state: req.body.state,
      });
      const { token, expiresAt } = renewed(s);
      return { playToken: token, tokenExpiresAt: expiresAt, nextHeartbeatMs: o.heartbeatIntervalMs, result };
    },
  );

  app.post(
    '/stream/v1/sessions/:sessionId/stop',
    {
      schema: {
        tags,
        summary: 'Stop: record the breakpoint and report it to global (idempotent)',
        security: [{ playToken: [] }],
        params,
        querystring,
        body: StopRequest,
        response: { 200: StopResponse, ...errorResponses },
      },
    },
    async (req) => {
      const s = await sessionOf(req, req.params.sessionId, true);
      if (s.closedAt !== null) return { breakpoint: s.position, result: 'already-stopped' as const };
      const position = checkedPosition(s, req.body.position);
      const result = await o.sessions.update(s, { position, seq: req.body.seq, event: 'stop', seekedBack: req.body.seekedBack, tracks: req.body.tracks });
      if (result === 'stale') {
        // An out-of-order stop still ends the session; the last good position stands.
        s.closedAt = now();
      }
      await o.reportsSettled?.();
      return { breakpoint: s.position, result };
    },
  );
};
