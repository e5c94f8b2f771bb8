/**
 * Builds the Fastify app of one server-mock process: the error vocabulary, validators,
 * OpenAPI, and the role plugins this process plays. It does not listen (server.ts does), so
 * tests drive it with `app.inject` or listen on port 0.
 */
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import Type from 'typebox';
import type { GuardedStore } from './store/integrity.ts';
import type { Config } from './config.ts';
import { httpGlobalClient, localGlobalClient, withIntrospectionCache, type GlobalClient } from './global-client.ts';
import { createGlobal, globalPlugin, type GlobalServices } from './global/plugin.ts';
import { installCors } from './http/cors.ts';
import { closeUnusedConnections } from './http/closing.ts';
import { installTextGuard } from './http/text.ts';
import { localRevocations, RevocationFeed, type RevocationSource } from './revocation-feed.ts';
import { installErrorHandling, validatorCompiler } from './http/errors.ts';
import { installRequestIds, loggerOptions, RequestLogController, requestId } from './http/logging.ts';
import { libraryPlugin } from './library/plugin.ts';
import { portalPlugin } from './portal/plugin.ts';
import { mediaChecker } from './streaming/media-check.ts';
import { createStreaming, libraryMediaDirOf, mediaRootsOf, probeTokens, streamingPlugin } from './streaming/plugin.ts';
import { webPlugin } from './web.ts';
import type { Store } from './store/types.ts';

/** The /healthz answer. */
const HealthBody = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('damaged')]),
  roles: Type.Array(Type.String()),
  instanceId: Type.String(),
  storage: Type.Optional(Type.Object({
    status: Type.Union([Type.Literal('ok'), Type.Literal('damaged')]),
    where: Type.String({ description: 'the SQLite file or the database URL (no password)' }),
    problem: Type.Optional(Type.String()),
    action: Type.Optional(Type.String({ description: 'what to do, one line' })),
  })),
});

/** What buildApp needs besides the config. */
export interface AppDeps {
  config: Config;
  /** Required when the process plays the global role. */
  store?: Store;
  /** The streaming reporter's outbox file (default: in the data dir). */
  outboxFile?: string;
  /** Extra pino logger options (over loggerOptions(config)), or false for none (tests). */
  logger?: boolean | Record<string, unknown>;
}

/** The built app and, when global is in-process, its services. */
export interface BuiltApp {
  app: FastifyInstance;
  global: GlobalServices | null;
  /** How the other roles reach global (in-process or HTTP). */
  globalClient: GlobalClient;
}

/** Build the app of one process for its config (listening is server.ts's job). */
export async function buildApp({ config, store, logger, outboxFile }: AppDeps): Promise<BuiltApp> {
  const app = Fastify({
    logger: logger === false ? false : { ...loggerOptions(config), ...(typeof logger === 'object' ? logger : {}) },
    // One line per request at debug, not Fastify's two at info.
    logController: new RequestLogController(),
    genReqId: requestId,
    bodyLimit: config.bodyLimit,
    // Terminals poll and stream; a slow client must not hold a socket forever.
    requestTimeout: 30_000,
    return503OnClosing: true,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  // JSON only: a text/plain body is refused with 415 rather than validated as a string.
  app.removeContentTypeParser('text/plain');
  app.decorateRequest('principal', null);
  installRequestIds(app);
  installErrorHandling(app);
  await installCors(app);
  closeUnusedConnections(app);
  installTextGuard(app);

  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Resume Anywhere server',
        version: '1',
        description:
          'Cross-terminal resume playback (CN101964787A). Roles: global (accounts, terminals, history, catalogue), portal (home pages), streaming (play sessions, media). Errors: `{ code, message, details? }` with a stable code.',
      },
      components: {
        securitySchemes: {
          userSession: { type: 'http', scheme: 'bearer', description: 'User session token `ras_…` from POST /api/v1/sessions' },
          terminalCredential: { type: 'http', scheme: 'bearer', description: 'Terminal credential `rat_…` from POST /api/v1/terminals' },
          serviceCredential: { type: 'http', scheme: 'bearer', description: '`svc_<id>.<secret>` for role-to-role calls' },
          adminToken: { type: 'http', scheme: 'bearer', description: 'Admin token (data dir `admin-token`)' },
          playToken: { type: 'http', scheme: 'bearer', description: 'Play token `pt1.…` from POST /stream/v1/play (or `?token=`)' },
        },
      },
      tags: [
        { name: 'accounts', description: 'Accounts, sessions and terminals' },
        { name: 'history', description: 'A terminal’s own history calls and server push' },
        { name: 'global', description: 'Global role, called by portals and streaming clusters' },
        { name: 'portal', description: 'Portal role: home pages' },
        { name: 'streaming', description: 'Streaming role: access server, play sessions, media' },
        { name: 'admin', description: 'Catalogue management and aging' },
        { name: 'library', description: 'Media library: watched folders, packaging jobs, programme edits, media state (admin)' },
      ],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['admin'],
        summary: 'Liveness, which roles this process plays, and the state of its storage (503 when damaged)',
        response: {
          200: HealthBody,
          503: HealthBody,
        },
      },
    },
    async (_req, reply) => {
      const storage = store && 'health' in store ? (store as GuardedStore).health() : undefined;
      if (storage?.status === 'damaged') reply.code(503);
      return { status: storage?.status === 'damaged' ? ('damaged' as const) : ('ok' as const), roles: config.roles, instanceId: config.instanceId, ...(storage ? { storage } : {}) };
    },
  );

  await app.register(webPlugin, {
    webDir: config.webDir,
    extraOrigins: [config.globalUrl, config.publicUrl].filter((u): u is string => u !== null),
  });

  let global: GlobalServices | null = null;
  if (config.roles.includes('global')) {
    if (!store) throw new Error('the global role needs a store');
    global = createGlobal(store, config);
    await app.register(globalPlugin, { services: global, config });
  }
  let globalClient: GlobalClient;
  let revocations: RevocationSource;
  if (global) {
    globalClient = localGlobalClient(global, config.instanceId);
    revocations = localRevocations(global.revocations);
  } else {
    const credential = config.serviceCredentials[0] as Config['serviceCredentials'][0];
    const cached = withIntrospectionCache(httpGlobalClient(config.globalUrl as string, credential));
    const feed = new RevocationFeed({ globalUrl: config.globalUrl as string, credential, log: app.log });
    // A revoked terminal's cached introspection must not outlive the revocation.
    feed.subscribe((entries) => {
      const ids = (kind: 'terminal' | 'user') => new Set(entries.filter((e) => e.kind === kind).map((e) => e.subjectId));
      cached.forget(ids('terminal'), ids('user'));
    });
    app.addHook('onReady', async () => {
      feed.start();
      // Give the feed a moment so the first plays are not refused; never wait long for a global that is down.
      await feed.whenReady(1_000);
    });
    app.addHook('onClose', async () => feed.stop());
    globalClient = cached;
    revocations = feed;
  }

  if (config.roles.includes('portal')) {
    await app.register(portalPlugin, { client: globalClient, rules: config.resume, portalId: config.instanceId, revocations });
  }
  const streaming = config.roles.includes('streaming') ? createStreaming(globalClient, config, app.log, outboxFile) : null;
  app.decorate('streaming', streaming);
  if (streaming) await app.register(streamingPlugin, { client: globalClient, config, state: streaming, revocations });
  // The media library packages into a media root of this cluster and writes the catalogue, so it
  // runs where both roles are in-process (the single-process server, the PC app's embedded one).
  app.decorate('library', null);
  if (global && streaming) {
    await app.register(libraryPlugin, {
      expose: (library) => {
        app.library = library;
      },
      config,
      store: global.store,
      auth: global.auth,
      mediaDir: libraryMediaDirOf(config),
      media: mediaChecker({ roots: mediaRootsOf(config), probeToken: probeTokens(Buffer.from(config.playTokenSecret ?? '', 'utf8'), config.instanceId) }),
      onCatalogueChange: () => global?.bus.broadcast({ type: 'catalogue', at: Date.now() }),
    });
  }
  return { app, global, globalClient };
}
