/**
 * Starts one server-mock process: opens the store (global role), seeds a fresh data dir,
 * makes sure an admin token exists, builds the app and listens. Returns a handle to stop it.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import type { Config } from './config.ts';
import { isLoopbackHost, seedDemo } from './demo/seed.ts';
import type { GlobalServices } from './global/plugin.ts';
import { startBackupSchedule } from './store/backup.ts';
import { openStore, sqliteFileOf } from './store/open.ts';
import type { Store } from './store/types.ts';

/** A running server. */
export interface RunningServer {
  /** Base URL it listens on (http://host:port). */
  url: string;
  app: FastifyInstance;
  config: Config;
  global: GlobalServices | null;
  /** What was seeded at this start. */
  seeded: { programs: number; account: boolean };
  /** Stop listening, close the store. Idempotent. */
  close(): Promise<void>;
}

/** A secret: configured, else stored in the data dir, else generated there (0600). */
export async function ensureSecret(dataDir: string, name: string, prefix: string, configured: string | null): Promise<string> {
  if (configured) return configured;
  const file = join(dataDir, name);
  try {
    const existing = (await readFile(file, 'utf8')).trim();
    if (existing.length >= 16) return existing;
  } catch {
    // not there yet
  }
  const token = `${prefix}${randomBytes(32).toString('base64url')}`;
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  return token;
}

/** Start a server process from a config. */
export async function startServer(input: Config, opts: { logger?: boolean | Record<string, unknown> } = {}): Promise<RunningServer> {
  await mkdir(input.dataDir, { recursive: true });
  const config = {
    ...input,
    adminToken: await ensureSecret(input.dataDir, 'admin-token', 'raa_', input.adminToken),
    // Split clusters must share this key (--play-token-secret) so S2 accepts S1's tokens.
    playTokenSecret: await ensureSecret(input.dataDir, 'play-token-key', '', input.playTokenSecret),
  };
  let store: Store | undefined;
  if (config.roles.includes('global')) {
    store = await openStore(config);
  }
  try {
    const { app, global } = await buildApp({ config, store, logger: opts.logger });
    const withAccount = config.demoAccount === 'always' || (config.demoAccount === 'loopback' && isLoopbackHost(config.host));
    const seeded = global && config.seedDemo ? await seedDemo(global.store, global.accounts, withAccount) : { programs: 0, account: false };
    const address = await app.listen({ host: config.host, port: config.port });
    const stopBackups = store?.kind === 'sqlite' && config.backupDir
      ? startBackupSchedule({
        file: sqliteFileOf(config.dataDir), dir: config.backupDir, intervalMs: config.backupIntervalHours * 3_600_000,
        keep: config.backupKeep, log: app.log,
      })
      : () => {};
    const url = address.replace('[::1]', 'localhost');
    let closed: Promise<void> | null = null;
    return {
      url,
      app,
      config,
      global,
      seeded,
      close: () =>
        (closed ??= (async () => {
          stopBackups();
          await app.close();
          await store?.close();
        })()),
    };
  } catch (err) {
    await store?.close();
    throw err;
  }
}
