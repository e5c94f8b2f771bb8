/**
 * The streaming role (流媒体服务器集群 S1, S2 …): the access server and play sessions
 * (routes-access.ts), the durable reporter to global (reporter.ts), and the media server with
 * the emulated live channel (media.ts, live.ts).
 */
import { dirname, join } from 'node:path';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Config } from '../config.ts';
import type { GlobalClient } from '../global-client.ts';
import type { RevocationSource } from '../revocation-feed.ts';
import { CHANNEL_EPOCH_MS, liveStart, loadLiveSource, type LiveSource } from './live.ts';
import { mediaChecker } from './media-check.ts';
import { mediaRoutes } from './media.ts';
import { Reporter, type ReporterOptions } from './reporter.ts';

type ReporterLog = ReporterOptions['log'];
import { accessRoutes, linkFor, type LiveStartResolver } from './routes-access.ts';
import { SessionManager } from './sessions.ts';
import { PresenceReporter } from './presence.ts';
import { signPlayToken } from './tokens.ts';

/** The state of one streaming role instance (sessions and the durable reporter). */
export interface StreamingState {
  sessions: SessionManager;
  reporter: Reporter;
  /** Sends session changes to global for now playing (issue 15). */
  presence: PresenceReporter;
}

/** Build the streaming state; the outbox lives in `outboxFile` (default: in the data dir). */
export function createStreaming(client: GlobalClient, config: Config, log: ReporterLog, outboxFile?: string): StreamingState {
  const reporter = new Reporter({ client, file: outboxFile ?? outboxFileFor(config), log });
  const presence = new PresenceReporter({ client, log });
  const sessions = new SessionManager({
    timeoutMs: config.sessionTimeoutSec * 1000,
    reportIntervalMs: config.reportIntervalSec * 1000,
    report: (r) => reporter.report(r),
    onChange: (s, change) => presence.observe(s, change),
  });
  return { sessions, reporter, presence };
}

/** Options of the streaming plugin. */
export interface StreamingPluginOptions {
  client: GlobalClient;
  config: Config;
  state: StreamingState;
  /** Revocations (global's hub in-process, else the feed). */
  revocations: RevocationSource;
}

/**
 * The longest a stop's answer waits for its report to reach global (in-process it takes
 * microseconds, over HTTP a round trip; a global outage ends the wait at the failed send).
 */
const STOP_SETTLE_MAX_MS = 1_500;

/** Timeshift window of a live folder the catalogue has not described (yet). */
const DEFAULT_TIMESHIFT_SEC = 1800;

/** Resolve live start points from the live sources in the media dir (each loaded once). */
export function liveStartResolver(mediaDir: string, clusterId: string): LiveStartResolver {
  const sources = new Map<string, Promise<LiveSource>>();
  return async (program, breakpointEpochMs, nowMs) => {
    const link = linkFor(program, clusterId);
    if (!link) throw new Error(`live programme ${program.id} has no link for ${clusterId}`);
    const dir = join(mediaDir, dirname(link.dash));
    let source = sources.get(dir);
    if (!source) sources.set(dir, (source = loadLiveSource(dir)));
    const r = liveStart(await source, breakpointEpochMs, nowMs, program.timeshiftWindowSec ?? DEFAULT_TIMESHIFT_SEC);
    return { ...r, liveEpochMs: CHANNEL_EPOCH_MS };
  };
}

/** Play tokens for CDN probes: bound to the programme, a probe "session", valid for a minute. */
export function probeTokens(key: Buffer, clusterId: string): (programId: string) => string {
  return (programId) => {
    const iat = Math.floor(Date.now() / 1000);
    return signPlayToken(key, { u: 'media-probe', t: 'media-probe', p: programId, s: 'media-probe', c: clusterId, iat, exp: iat + 60 });
  };
}

/** The media roots of a cluster: `--media-dir`, then the media library's packaged programmes. */
export function mediaRootsOf(config: Config): string[] {
  return [config.mediaDir, libraryMediaDirOf(config)];
}

/** Where the media library packages programmes (`--library-media-dir`, else in the data dir). */
export function libraryMediaDirOf(config: Config): string {
  return config.libraryMediaDir ?? join(config.dataDir, 'library-media');
}

/** The reporter's outbox file for a cluster in a data dir. */
export function outboxFileFor(config: Config): string {
  return join(config.dataDir, `outbox-${config.instanceId.replace(/[^A-Za-z0-9_-]/g, '_')}.sqlite`);
}

export const streamingPlugin: FastifyPluginAsyncTypebox<StreamingPluginOptions> = async (app, { client, config, state, revocations }) => {
  if (!config.playTokenSecret) throw new Error('the streaming role needs a play-token secret');
  const tokenKey = Buffer.from(config.playTokenSecret, 'utf8');
  const { sessions, reporter, presence } = state;

  await app.register(accessRoutes, {
    client,
    sessions,
    tokenKey,
    clusterId: config.instanceId,
    tokenTtlSec: config.playTokenTtlSec,
    heartbeatIntervalMs: config.heartbeatIntervalSec * 1000,
    publicUrl: config.publicUrl,
    liveStart: liveStartResolver(config.mediaDir, config.instanceId),
    media: mediaChecker({ roots: mediaRootsOf(config), probeToken: probeTokens(tokenKey, config.instanceId) }),
    revocations,
    reportsSettled: () => state.reporter.settled(STOP_SETTLE_MAX_MS),
  });
  // A revoked terminal's (or account's) sessions end the moment the revocation is heard.
  const unsubscribeRevocations = revocations.subscribe((entries) => {
    const terminals = new Set(entries.filter((e) => e.kind === 'terminal').map((e) => e.subjectId));
    const users = new Set(entries.filter((e) => e.kind === 'user').map((e) => e.subjectId));
    sessions
      .endWhere((s) => terminals.has(s.terminalId) || users.has(s.userId))
      .catch((err: unknown) => app.log.error({ err }, 'ending revoked sessions failed'));
  });
  // Live channels and their timeshift windows come from the catalogue (global owns it); keep a
  // copy fresh enough for manifests. Until the first answer, live folders use the default window.
  const windows = new Map<string, number>();
  const refreshCatalogue = async () => {
    try {
      const { programs } = await client.programs();
      windows.clear();
      for (const p of programs) if (p.kind === 'live') windows.set(p.id, p.timeshiftWindowSec ?? 0);
    } catch (err) {
      app.log.warn({ err }, 'catalogue refresh failed; keeping the last one');
    }
  };
  await app.register(mediaRoutes, {
    mediaDir: config.mediaDir,
    extraMediaDirs: mediaRootsOf(config).slice(1),
    tokenKey,
    isRevoked: (terminalId, userId) => revocations.isRevoked(terminalId, userId),
    // A card's breakpoint frame: the terminal's own credential, checked as the access server does.
    admitTerminal: async (credential, programId) => {
      const id = await client.introspect(credential);
      if (!id || revocations.isRevoked(id.terminal.id, id.userId)) return 'unauthenticated';
      const { programs } = await client.programs(id.terminal.id);
      return programs.some((p) => p.id === programId) ? 'ok' : 'not-found';
    },
    timeshiftWindowSec: (programId) => windows.get(programId) ?? DEFAULT_TIMESHIFT_SEC,
  });

  // Close silent sessions (crashed terminals) and report their last point.
  const sweepMs = Math.max(500, Math.min(5_000, (config.sessionTimeoutSec * 1000) / 4));
  const timer = setInterval(() => {
    sessions.sweep().catch((err: unknown) => app.log.error({ err }, 'session sweep failed'));
  }, sweepMs);
  timer.unref();
  const catalogueTimer = setInterval(() => void refreshCatalogue(), 30_000);
  catalogueTimer.unref();
  // Reports left from a previous run go out now.
  app.addHook('onReady', async () => {
    void reporter.flush();
    void refreshCatalogue();
  });
  app.addHook('onClose', async () => {
    unsubscribeRevocations();
    clearInterval(timer);
    clearInterval(catalogueTimer);
    reporter.close();
    presence.close();
  });
};

declare module 'fastify' {
  interface FastifyInstance {
    /** The streaming role's state, when this process plays it (status and tests). */
    streaming: StreamingState | null;
  }
}
