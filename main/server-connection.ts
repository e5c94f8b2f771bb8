/**
 * Which server the window talks to, and keeping it running: the household server (embedded,
 * in a utilityProcess) by default, or a remote server (the `--server-url` flag, the
 * provisioning file, or Settings). Owns the server status the menu and the renderer show.
 *
 * Household defaults: the server listens on this machine only until the user lets the LAN join
 * (Household menu), on the CLI's fixed default port 8750 — or, when that is taken, the port it
 * got last time, or any free one — and remembers the port it got, so the address a TV was given
 * stays valid. Its output goes to the rotating `server.log` in the OS log folder.
 *
 * Remote mode: the app shell is answered from the packaged renderer (main/app-shell.ts) so the
 * app starts offline — but only while the shell loads (`ShellIntercept`): `protocol.handle` for
 * the whole http(s) scheme routes every request through `net.fetch`, and a long-lived stream
 * proxied that way cannot be closed (electron#47097) and exhausts connections. So the push
 * stream and media are never proxied: during the short load window they are answered 503 (the
 * renderer's push stream retries with backoff; media is not requested before a user plays), and
 * once the page has loaded the interceptor is removed and everything goes to the network.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ServerStatus } from '../common/ipc.ts';
import { shellFileFor } from './app-shell.ts';
import { EmbeddedServer, portOf, type ForkServer } from './embedded-server.ts';
import type { LocalState } from './local-state.ts';
import type { Logger } from './log.ts';
import type { FileLog } from './logging.ts';
import { httpOrigin, withCsp } from './security.ts';

/** The CLI's default port, tried first by the household server. */
export const DEFAULT_PORT = 8750;

/**
 * Ports to try, in order: last run's (remembered: the address a TV or phone was given, and the
 * origin the renderer's own storage belongs to), then the default, then any free one. A first
 * run that found 8750 taken keeps the port it got, even once 8750 is free again.
 */
export function portsToTry(lastPort: number | null): number[] {
  return [...new Set([...(lastPort ? [lastPort] : []), DEFAULT_PORT, 0])];
}

/** What a request seen by the shell interceptor gets. */
export type ShellRoute = { kind: 'file'; path: string; contentType: string } | { kind: 'later' } | { kind: 'network' };

/** Paths that stream (push, media): never proxied through the interceptor. */
const STREAMING = /^\/(api\/v1\/events|media\/|stream\/)/;

/** Decide a request's route while the interceptor is armed. Pure. */
export function shellRoute(method: string, url: string, accept: string | null, appOrigin: string, webDir: string, exists: (p: string) => boolean): ShellRoute {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { kind: 'network' };
  }
  if (u.origin === appOrigin && (STREAMING.test(u.pathname) || (accept ?? '').includes('text/event-stream'))) return { kind: 'later' };
  const file = shellFileFor(method, url, appOrigin, webDir, exists);
  return file ? { kind: 'file', ...file } : { kind: 'network' };
}

/** Electron's `protocol` and `net`, reduced to what the interceptor uses. */
export interface ProtocolLike {
  handle(scheme: string, handler: (req: Request) => Response | Promise<Response>): void;
  unhandle(scheme: string): void;
}
export type NetFetch = (input: string | Request, init?: RequestInit & { bypassCustomProtocolHandlers?: boolean }) => Promise<Response>;

/** The remote-mode shell interceptor, armed only while the app shell loads. */
export class ShellIntercept {
  #scheme: string | null = null;
  readonly #protocol: ProtocolLike;
  readonly #fetch: NetFetch;
  readonly #webDir: string;

  constructor(protocol: ProtocolLike, fetch: NetFetch, webDir: string) {
    this.#protocol = protocol;
    this.#fetch = fetch;
    this.#webDir = webDir;
  }

  /** True while requests are intercepted. */
  get armed(): boolean {
    return this.#scheme !== null;
  }

  /** Intercept `origin`'s scheme until `disarm` (a page load). No packaged shell: nothing. */
  arm(origin: string): void {
    this.disarm();
    if (!existsSync(join(this.#webDir, 'index.html'))) return;
    const scheme = new URL(origin).protocol.slice(0, -1);
    this.#protocol.handle(scheme, (req) => this.#answer(req, origin));
    this.#scheme = scheme;
  }

  /** Let every request go to the network again. */
  disarm(): void {
    if (this.#scheme) this.#protocol.unhandle(this.#scheme);
    this.#scheme = null;
  }

  async #answer(req: Request, origin: string): Promise<Response> {
    const route = shellRoute(req.method, req.url, req.headers.get('accept'), origin, this.#webDir, existsSync);
    switch (route.kind) {
      case 'network':
        return this.#fetch(req, { bypassCustomProtocolHandlers: true });
      case 'later':
        return new Response('the app is starting; try again', { status: 503, headers: { 'retry-after': '1', 'cache-control': 'no-store' } });
      case 'file': {
        const res = await this.#fetch(pathToFileURL(route.path).href);
        const headers = withCsp({ 'content-type': [route.contentType], 'cache-control': ['no-cache'] }, req.url, origin);
        return new Response(res.body, { status: 200, headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.join(', ')])) });
      }
      default: {
        const never: never = route;
        throw new Error(`unknown route ${String(never)}`);
      }
    }
  }
}

/** What the connection needs. */
export interface ServerConnectionDeps {
  state: LocalState;
  log: Logger;
  fork: ForkServer;
  paths: { server: string; webDir: string; mediaDir: string; userData: string };
  /** The remote server the run must use (flag or provisioning), else null (Settings decide). */
  forcedServerUrl: string | null;
  /** `--no-lan`: loopback whatever the setting. */
  noLan: boolean;
  lanAddresses: () => string[];
  serverLog: FileLog;
  intercept: ShellIntercept;
  /** Told on every status change. */
  onStatus: (status: ServerStatus, moved: boolean) => void;
  /** Shown while the household server starts. */
  onStarting: () => void;
}

export class ServerConnection {
  readonly #d: ServerConnectionDeps;
  #status: ServerStatus = { mode: 'embedded', state: 'stopped', url: null, lanUrls: [], error: null };
  #origin: string | null = null;
  #embedded: EmbeddedServer | null = null;

  constructor(deps: ServerConnectionDeps) {
    this.#d = deps;
  }

  /** What the menu and `serverStatus` show. */
  get status(): ServerStatus {
    return this.#status;
  }

  /** The origin the window loads and the bridge trusts, once known. */
  get origin(): string | null {
    return this.#origin;
  }

  /** The remote server in use, if any. */
  remoteUrl(): string | null {
    return this.#d.forcedServerUrl ?? this.#d.state.loadSettings().serverUrl;
  }

  /** Connect: remote when configured, else start the household server (if not running). */
  async connect(): Promise<void> {
    const remote = this.remoteUrl();
    if (remote) {
      await this.#embedded?.stop();
      this.#embedded = null;
      this.#origin = httpOrigin(remote);
      this.#set({ mode: 'remote', state: 'running', url: remote, lanUrls: [], error: null });
      return;
    }
    this.#d.intercept.disarm();
    if (this.#embedded?.status.state === 'running') return;
    const prefs = this.#d.state.server;
    const ports = portsToTry(prefs.lastPort);
    this.#embedded = new EmbeddedServer({
      fork: this.#d.fork,
      entry: this.#d.paths.server,
      dataDir: join(this.#d.paths.userData, 'server'),
      webDir: this.#d.paths.webDir,
      mediaDir: this.#d.paths.mediaDir,
      lanAccess: prefs.lanAccess && !this.#d.noLan,
      libraryFolders: prefs.libraryFolders ?? [],
      preferredPort: ports[0] ?? null,
      fallbackPorts: ports.slice(1),
      lanAddresses: this.#d.lanAddresses,
      log: this.#d.log,
      onOutput: (line) => this.#d.serverLog.write('info', line),
      onStatus: (s) => this.#set(s),
    });
    this.#d.onStarting();
    const s = await this.#embedded.start();
    if (s.state === 'running' && s.url) this.#d.state.server = { ...this.#d.state.server, lastPort: portOf(s.url) };
  }

  /** Turn LAN access on or off (restarts the household server on the same port). */
  async setLanAccess(on: boolean): Promise<void> {
    this.#d.state.server = { ...this.#d.state.server, lanAccess: on };
    await this.#embedded?.stop();
    this.#embedded = null;
    await this.connect();
  }

  /** Stop the household server (quit). */
  async stop(): Promise<void> {
    this.#d.intercept.disarm();
    await this.#embedded?.stop();
  }

  #set(next: ServerStatus): void {
    const moved = next.url !== this.#status.url;
    this.#status = next;
    if (next.state === 'running' && next.url) this.#origin = httpOrigin(next.url);
    this.#d.onStatus(next, moved);
  }
}
