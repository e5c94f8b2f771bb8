/**
 * The global role (全局服务器): users and terminals, the catalogue, the viewing history of all
 * terminals, server push, aging. `createGlobal` builds its services (so that an embedded portal
 * can call them in-process); `globalPlugin` exposes them over HTTP and runs the aging timer.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Config } from '../config.ts';
import type { Authenticator } from '../http/auth.ts';
import type { Store } from '../store/types.ts';
import { AccountService } from './accounts-service.ts';
import { DeviceService } from './device-service.ts';
import { EventBus } from './events.ts';
import { isPostgresStore, startFanout } from './fanout.ts';
import { HistoryService } from './history-service.ts';
import { accountRoutes } from './routes-accounts.ts';
import { adminRoutes } from './routes-admin.ts';
import { deviceRoutes } from './routes-device.ts';
import { eventRoutes } from './routes-events.ts';
import { historyRoutes } from './routes-history.ts';
import { lifecycleRoutes } from './routes-lifecycle.ts';
import { revocationRoutes } from './routes-revocations.ts';
import { RevocationHub } from './revocations.ts';
import { ProfileService } from './profiles-service.ts';
import { profileRoutes } from './routes-profiles.ts';
import { PresenceService } from './presence.ts';
import { presenceRoutes } from './routes-presence.ts';
import { HandoffFences, HandoffService } from './handoff.ts';
import { handoffRoutes } from './routes-handoff.ts';
import { randomUUID } from 'node:crypto';
import { StreamDirectory } from './stream-directory.ts';
import { RemoteService } from './remote.ts';
import { remoteRoutes } from './routes-remote.ts';

/** The services of one global role instance. */
export interface GlobalServices {
  store: Store;
  bus: EventBus;
  accounts: AccountService;
  history: HistoryService;
  devices: DeviceService;
  auth: Authenticator;
  /** Every revocation of this global (push, in-process streaming and the feed listen to it). */
  revocations: RevocationHub;
  profiles: ProfileService;
  /** Now playing: the households' open play sessions, reported by the clusters. */
  presence: PresenceService;
  /** "Continue here": claims of household sessions, and the fences of handed-off ones. */
  handoff: HandoffService;
  fences: HandoffFences;
  /** The terminals with a push stream open, here and on other instances (remote commands reach only those). */
  streams: StreamDirectory;
  /** Remote control and "Play on ▸": commands of household sessions and their answers. */
  remote: RemoteService;
}

/** Build the global services over a store. */
export function createGlobal(store: Store, config: Config, now: () => number = Date.now): GlobalServices {
  const bus = new EventBus();
  const revocations = new RevocationHub();
  // A cluster refreshes every open session with each heartbeat; two missed ones and it is gone.
  const presence = new PresenceService({ store, bus, revocations, ttlMs: 2 * config.heartbeatIntervalSec * 1000 + 2_000, now });
  const accounts = new AccountService({
    store,
    sessionDays: config.sessionDays,
    revocations,
    openRegistration: config.openRegistration,
    // Plain heartbeats reach global every report interval; a pause or seek at once.
    playingWindowMs: 2 * config.reportIntervalSec * 1000 + 15_000,
    // Sessions list newest first: a terminal's first is its current one.
    livePresence: (userId) => presence.list(userId, null),
    now,
  });
  const profiles = new ProfileService({ store, now });
  const fences = new HandoffFences(store, now);
  const history = new HistoryService({
    store, bus, profiles, rules: config.resume, retentionDays: config.retentionDays, now,
    fenced: (terminalId, playToken) => fences.fences(terminalId, playToken),
  });
  const handoff = new HandoffService({ store, bus, presence, profiles, history, fences, now });
  // Other instances may hold terminals' streams only over a shared PostgreSQL.
  const streams = new StreamDirectory({ store: isPostgresStore(store) ? store : null, revocations, instanceId: randomUUID(), now });
  const remote = new RemoteService({ bus, presence, profiles, streams, revocations, history, store, now });
  const auth: Authenticator = {
    user: (token) => accounts.authenticateUser(token),
    terminal: (credential) => accounts.authenticateTerminal(credential),
    services: config.serviceCredentials,
    adminToken: config.adminToken,
  };
  const devices = new DeviceService({ store, now, expiresInSec: config.deviceCodeTtlSec, intervalSec: config.devicePollIntervalSec });
  return { store, bus, accounts, history, devices, auth, revocations, profiles, presence, handoff, fences, streams, remote };
}

/** Options of the global plugin. */
export interface GlobalPluginOptions {
  services: GlobalServices;
  config: Config;
}

export const globalPlugin: FastifyPluginAsyncTypebox<GlobalPluginOptions> = async (app, { services, config }) => {
  const { accounts, history, devices, bus, auth, store, revocations, profiles } = services;
  // A restarted global still refuses what was revoked before (the store kept it).
  revocations.load(await store.listRevocations(Date.now() - revocations.windowMs));
  const noteSeen = (terminalId: string, lastSeenAt: number | null) =>
    accounts.noteSeen(terminalId, lastSeenAt).catch((err: unknown) => app.log.warn({ err }, 'last-seen'));
  // A terminal offline during a handoff hears of it when its push stream is back. Outside the
  // last-seen hook's scope (below): any onResponse hook on a route makes Fastify keep each
  // request and reply (principal, query, …) for the response's life — hours for a stream
  // (bench/sse-memory.ts). The stream notes last-seen itself where the hook would have run.
  await app.register(eventRoutes, {
    bus, auth, revocations, profiles, replay: (terminalId) => services.fences.eventsFrom(terminalId), streams: services.streams.local, noteSeen,
  });
  await app.register(async (routes) => {
    // Last-seen is written only after a terminal's request succeeded (bad input changes nothing).
    routes.addHook('onResponse', async (request, reply) => {
      const p = request.principal;
      if (p?.kind === 'terminal' && reply.statusCode < 400) await noteSeen(p.terminal.id, p.terminal.lastSeenAt);
    });
    await routes.register(accountRoutes, { accounts, profiles, auth, authRateLimit: config.authRateLimit });
    await routes.register(historyRoutes, { history, accounts, auth });
    await routes.register(deviceRoutes, { devices, auth, rateLimit: config.authRateLimit, publicUrl: config.publicUrl });
    await routes.register(lifecycleRoutes, { accounts, auth, authRateLimit: config.authRateLimit });
    await routes.register(profileRoutes, { profiles, store, auth, authRateLimit: config.authRateLimit });
    await routes.register(revocationRoutes, { revocations, auth });
    await routes.register(presenceRoutes, { presence: services.presence, profiles, auth });
    await routes.register(handoffRoutes, { handoff: services.handoff, auth });
    await routes.register(remoteRoutes, { remote: services.remote, auth });
    await routes.register(adminRoutes, {
      store,
      history,
      auth,
      onCatalogueChange: () => bus.broadcast({ type: 'catalogue', at: Date.now() }),
    });
  });
  const presenceTimer = setInterval(() => services.presence.sweep(), 1_000);
  const stopDirectory = services.streams.start();
  presenceTimer.unref();
  app.addHook('onClose', async () => {
    clearInterval(presenceTimer);
    stopDirectory();
    services.presence.close();
    services.remote.close();
  });

  // Several instances over one PostgreSQL: push and revocations reach every instance's clients.
  if (isPostgresStore(store)) {
    const stop = startFanout({ store, bus, revocations, presence: services.presence, remote: services.remote, log: app.log });
    app.addHook('onClose', async () => stop());
  }

  // Aging (patent [0050]): periodically, and once shortly after start; with several instances
  // on one PostgreSQL, on one instance at a time (a try-lock: the others skip that round).
  const exclusive = <T>(fn: () => Promise<T>) => (isPostgresStore(store) ? store.withExclusiveLock('aging', fn) : fn());
  const run = () =>
    exclusive(() => Promise.all([
      history.runRetention(),
      store.deleteExpired(Date.now()),
      store.deleteRevocationsBefore(Date.now() - revocations.windowMs).then(() => revocations.purge()),
      services.fences.sweep(),
    ])).then(
      (done) => {
        if (!done) return;
        const [r, expired] = done;
        if (r.deletedRecords > 0 || expired.sessions > 0) app.log.info({ ...r, ...expired }, 'aged out old records');
      },
      (err: unknown) => app.log.error({ err }, 'aging failed'),
    );
  const first = setTimeout(run, 5_000);
  const timer = setInterval(run, config.retentionIntervalMinutes * 60_000);
  first.unref();
  timer.unref();
  app.addHook('onClose', async () => {
    clearTimeout(first);
    clearInterval(timer);
  });
};
