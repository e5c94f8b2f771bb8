/**
 * The household server the PC app runs by default: server-mock (all three roles) in an
 * Electron `utilityProcess`, its data in userData/server, on the ports it is given in order
 * (main/server-connection.ts: 8750, last run's, any free one), listening on the LAN when allowed.
 *
 * main/ may not import server-mock/ (layering), so the server is a separate entry that the
 * build bundles (dist/electron/server.mjs) and this module forks; its URL is read from the line
 * the server's CLI prints (`… at http://HOST:PORT`). Status changes are published for the menu
 * and the renderer (`serverStatus`). A server that dies while running is restarted once.
 *
 * The process factory is injected: Electron's `utilityProcess.fork` in the app, Node's
 * `child_process` in tests (same CLI, same output).
 */
import { createInterface } from 'node:readline';
import type { ServerStatus } from '../common/ipc.ts';
import type { Logger } from './log.ts';

/** The forked process (Electron's UtilityProcess fits). */
export interface ServerProcess {
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
  on(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

/** Starts the server entry with arguments. */
export type ForkServer = (entry: string, args: string[]) => ServerProcess;

/** What the embedded server needs. */
export interface EmbeddedServerOptions {
  fork: ForkServer;
  /** dist/electron/server.mjs (or server-mock/cli.ts under Node in tests). */
  entry: string;
  dataDir: string;
  /** The built renderer and the demo media (packaged: resources/web, resources/media). */
  webDir: string;
  mediaDir: string;
  /** Listen on every interface so the LAN can join. */
  lanAccess: boolean;
  /** Media folders the library watches (`--library`, one each). */
  libraryFolders?: readonly string[];
  /** The port to try first (the default 8750), or null. */
  preferredPort: number | null;
  /** Ports to try after it, in order (last run's port; 0 = any free port). Default: [0]. */
  fallbackPorts?: number[];
  /** This machine's LAN addresses (os.networkInterfaces). */
  lanAddresses: () => string[];
  log: Logger;
  /** Every server output line (to a log file). */
  onOutput?: (line: string) => void;
  onStatus?: (status: ServerStatus) => void;
  /** How long a start may take (default 20 s). */
  startTimeoutMs?: number;
  /** How long stop waits for a clean exit before giving up (default 4 s). */
  stopTimeoutMs?: number;
}

/** The URL in the server CLI's first line (`Resume Anywhere server (…) as … at http://127.0.0.1:8750`). */
export function parseListeningUrl(line: string): string | null {
  const m = /^Resume Anywhere server .* at (https?:\/\/\S+)\s*$/.exec(line);
  return m ? (m[1] as string) : null;
}

/** The port of a URL. */
export function portOf(url: string): number {
  const u = new URL(url);
  return Number(u.port || (u.protocol === 'https:' ? 443 : 80));
}

/**
 * Where a terminal linked to the embedded server reaches it now: a loopback URL recorded at
 * linking time (possibly an old port) means the embedded server, wherever it listens today.
 */
export function currentEmbeddedUrl(recorded: string, status: Pick<ServerStatus, 'mode' | 'state' | 'url'>): string {
  if (status.mode !== 'embedded' || status.state !== 'running' || !status.url) return recorded;
  try {
    const host = new URL(recorded).hostname;
    return host === '127.0.0.1' || host === 'localhost' || host === '[::1]' ? status.url : recorded;
  } catch {
    return recorded;
  }
}

/** Non-internal IPv4 addresses of this machine, from `os.networkInterfaces()`. */
export function lanIPv4(interfaces: Record<string, { address: string; family: string | number; internal: boolean }[] | undefined>): string[] {
  const out: string[] = [];
  for (const list of Object.values(interfaces)) {
    for (const i of list ?? []) if (!i.internal && (i.family === 'IPv4' || i.family === 4)) out.push(i.address);
  }
  return [...new Set(out)];
}

/**
 * The server's command line. `--demo-account` is explicit rather than left to the server's
 * default: a server open to the LAN never seeds the demo account (its password is published), so
 * its first run asks the owner to create the household's account; on this PC only it may (the
 * published password signs in from this machine alone, README "Household set-up").
 */
export function serverArgs(o: Pick<EmbeddedServerOptions, 'dataDir' | 'webDir' | 'mediaDir' | 'lanAccess' | 'libraryFolders'>, port: number): string[] {
  return [
    '--port', String(port),
    '--host', o.lanAccess ? '0.0.0.0' : '127.0.0.1',
    '--demo-account', o.lanAccess ? 'never' : 'loopback',
    '--data', o.dataDir,
    '--web-dir', o.webDir,
    '--media-dir', o.mediaDir,
    '--log-level', 'warn',
    ...(o.libraryFolders ?? []).flatMap((f) => ['--library', f]),
  ];
}

type StartResult = { ok: true; url: string } | { ok: false; error: string };

export class EmbeddedServer {
  readonly #o: Required<Omit<EmbeddedServerOptions, 'onOutput' | 'onStatus' | 'fallbackPorts' | 'libraryFolders'>> & Pick<EmbeddedServerOptions, 'onOutput' | 'onStatus' | 'fallbackPorts' | 'libraryFolders'>;
  #proc: ServerProcess | null = null;
  #status: ServerStatus = { mode: 'embedded', state: 'stopped', url: null, lanUrls: [], error: null };
  #stopping = false;
  #restarts = 0;
  #tail: string[] = [];

  constructor(options: EmbeddedServerOptions) {
    this.#o = { startTimeoutMs: 20_000, stopTimeoutMs: 4_000, ...options };
  }

  /** The current status. */
  get status(): ServerStatus {
    return this.#status;
  }

  /** Start: the preferred port first, any free port if that fails. Resolves with the final status. */
  async start(): Promise<ServerStatus> {
    this.#stopping = false;
    this.#set({ state: 'starting', url: null, lanUrls: [], error: null });
    const tries = [...new Set([...(this.#o.preferredPort ? [this.#o.preferredPort] : []), ...(this.#o.fallbackPorts ?? [0])])];
    let last = 'not started';
    for (const port of tries) {
      const r = await this.#spawn(port);
      if (r.ok) {
        const p = portOf(r.url);
        const url = `http://127.0.0.1:${p}`;
        const lanUrls = this.#o.lanAccess ? this.#o.lanAddresses().map((a) => `http://${a}:${p}`) : [];
        this.#set({ state: 'running', url, lanUrls, error: null });
        this.#o.log.info(`household server running at ${url}${lanUrls.length ? ` (LAN: ${lanUrls.join(', ')})` : ''}`);
        return this.#status;
      }
      last = r.error;
      if (port !== 0) this.#o.log.warn(`household server could not use port ${port} (${r.error}); trying the next`);
    }
    this.#set({ state: 'failed', url: null, lanUrls: [], error: last });
    this.#o.log.error(`household server failed to start: ${last}`);
    return this.#status;
  }

  /** Stop the server (SIGTERM; it closes its store) and wait, bounded, for it to exit. */
  async stop(): Promise<void> {
    this.#stopping = true;
    const proc = this.#proc;
    this.#proc = null;
    if (proc) {
      const exited = new Promise<void>((resolve) => proc.on('exit', () => resolve()));
      proc.kill();
      await Promise.race([exited, new Promise<void>((resolve) => setTimeout(resolve, this.#o.stopTimeoutMs))]);
    }
    this.#set({ state: 'stopped', url: null, lanUrls: [], error: null });
  }

  #set(patch: Partial<ServerStatus>): void {
    this.#status = { ...this.#status, ...patch };
    this.#o.onStatus?.(this.#status);
  }

  #spawn(port: number): Promise<StartResult> {
    return new Promise<StartResult>((resolve) => {
      let settled = false;
      // Declared before settle: a fork that throws settles before any timer exists.
      let timer: ReturnType<typeof setTimeout> | undefined = undefined;
      const settle = (r: StartResult) => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        resolve(r);
      };
      let proc: ServerProcess;
      try {
        proc = this.#o.fork(this.#o.entry, serverArgs(this.#o, port));
      } catch (err) {
        settle({ ok: false, error: String(err) });
        return;
      }
      timer = setTimeout(() => {
        proc.kill();
        settle({ ok: false, error: `no answer within ${this.#o.startTimeoutMs} ms` });
      }, this.#o.startTimeoutMs);
      const onLine = (line: string) => {
        this.#o.onOutput?.(line);
        this.#tail = [...this.#tail.slice(-19), line];
        const url = parseListeningUrl(line);
        if (url && !settled) {
          this.#proc = proc;
          settle({ ok: true, url });
        }
      };
      if (proc.stdout) createInterface({ input: proc.stdout }).on('line', onLine);
      if (proc.stderr) createInterface({ input: proc.stderr }).on('line', onLine);
      proc.on('exit', (code) => {
        if (!settled) {
          const why = this.#tail.filter((l) => /error|EADDRINUSE/i.test(l)).at(-1) ?? `exited with code ${code}`;
          settle({ ok: false, error: why.slice(0, 300) });
          return;
        }
        if (this.#proc === proc) this.#unexpectedExit(code);
      });
    });
  }

  #unexpectedExit(code: number): void {
    this.#proc = null;
    if (this.#stopping) return;
    this.#o.log.error(`household server exited unexpectedly (code ${code})`);
    if (this.#restarts >= 1) {
      this.#set({ state: 'failed', url: null, lanUrls: [], error: `exited with code ${code}` });
      return;
    }
    this.#restarts++;
    // Same port first: the window and the TVs keep their URL.
    const port = this.#status.url ? portOf(this.#status.url) : null;
    this.#o.preferredPort = port;
    void this.start();
  }
}
