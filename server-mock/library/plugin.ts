/**
 * The media library in a server process (global and streaming roles in-process): opens the
 * library, registers the `--library` folders, starts the queue and the watchers when the server
 * is ready, rescans periodically, and serves the admin API (routes.ts).
 */
import path from 'node:path';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Config } from '../config.ts';
import type { Authenticator } from '../http/auth.ts';
import type { Store } from '../store/types.ts';
import type { MediaChecker } from '../streaming/media-check.ts';
import { Library, type CatalogueSink } from './library.ts';
import { releaseLock, writeLock } from './lock.ts';
import { libraryRoutes } from './routes.ts';

/** Options of the library plugin. */
export interface LibraryPluginOptions {
  config: Config;
  store: Store;
  auth: Authenticator;
  /** Where packaged programmes go (also a media root of the streaming role). */
  mediaDir: string;
  media: MediaChecker;
  /** Called after the catalogue changed (pushes a `catalogue` event to terminals). */
  onCatalogueChange: () => void;
  /** Receives the opened library (the root app exposes it as `app.library`). */
  expose?: (library: Library) => void;
}

/** A catalogue sink over the global store. */
export function storeCatalogue(store: Store, onChange: () => void = () => {}): CatalogueSink {
  return {
    async upsert(program) {
      await store.upsertPrograms([program]);
      onChange();
    },
    async withdraw(programId) {
      if (await store.withdrawProgram(programId, Date.now())) onChange();
    },
  };
}

export const libraryPlugin: FastifyPluginAsyncTypebox<LibraryPluginOptions> = async (app, o) => {
  const library = await Library.open({
    dataDir: o.config.dataDir,
    mediaDir: o.mediaDir,
    catalogue: storeCatalogue(o.store, o.onCatalogueChange),
    concurrency: o.config.libraryJobs ?? undefined,
    maxRenditions: o.config.libraryRenditions,
    log: app.log,
  });
  // Folders given on the command line are watched for this run; dropped flags stop being watched
  // (their programmes stay until their files go: forgetting a flag must not delete a library).
  const configured = new Set(o.config.libraryFolders.map((f) => path.resolve(f)));
  for (const f of library.db.folders()) if (f.source === 'config' && !configured.has(f.path)) library.db.removeFolder(f.path);
  for (const f of configured) library.db.addFolder(f, 'config', Date.now());

  o.expose?.(library);
  await app.register(libraryRoutes, { library, store: o.store, auth: o.auth, media: o.media, clusterId: o.config.instanceId });

  const timer = setInterval(() => void library.scanFolders().catch((err: unknown) => app.log.warn({ err }, 'library rescan failed')), o.config.libraryRescanMinutes * 60_000);
  timer.unref();
  app.addHook('onReady', async () => library.start());
  // The lock names this server's URL once it listens, so `library add` can hand files to it.
  app.server.once('listening', () => {
    const address = app.server.address();
    const url = address && typeof address === 'object' ? `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}` : null;
    void writeLock(o.config.dataDir, { pid: process.pid, url: url?.replace('://0.0.0.0:', '://127.0.0.1:').replace('://[::]:', '://127.0.0.1:') ?? null }).catch((err: unknown) => app.log.warn({ err }, 'library lock'));
  });
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await library.close();
    await releaseLock(o.config.dataDir);
  });
};

declare module 'fastify' {
  interface FastifyInstance {
    /** The media library, when this process runs it (global + streaming in-process), else null. */
    library: Library | null;
  }
}
