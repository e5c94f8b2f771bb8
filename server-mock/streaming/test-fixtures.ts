/**
 * Shared by media.test.ts and live.test.ts (not a test itself): real demo media, a Fastify app
 * with the media routes, play tokens, ffprobe and a raw HTTP client. Media comes from the
 * committed library (server-mock/demo/media); where a programme is missing it is rendered once
 * into a temp cache with scripts/make-media.ts, which needs ffmpeg — tests needing it skip,
 * saying so, without.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { installErrorHandling, validatorCompiler } from '../http/errors.ts';
import { mediaRoutes, type MediaRoutesOptions } from './media.ts';
import { signPlayToken, type PlayTokenClaims } from './tokens.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Whether a tool answers `-version`. */
function have(tool: string): boolean {
  const r = spawnSync(tool, ['-version'], { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

/** ffmpeg is on PATH (renders missing demo media). */
export const HAVE_FFMPEG = have('ffmpeg');
/** ffprobe is on PATH (the real DASH/HLS client of the tests). */
export const HAVE_FFPROBE = have('ffprobe');

/** Suffix for the names of tests that need ffprobe, so a skip says why. */
export const NEEDS_FFPROBE = HAVE_FFPROBE ? '' : ' [skipped: ffprobe not on PATH]';

/** The folder holding programme `id`'s media, rendering it if needed; null when impossible. */
export function demoMedia(id: string): string | null {
  const committed = path.join(ROOT, 'server-mock/demo/media', id);
  if (existsSync(path.join(committed, 'manifest.mpd')) && existsSync(path.join(committed, 'poster.jpg'))) return committed;
  const cache = path.join(tmpdir(), 'resume-anywhere-media-fixture');
  const cached = path.join(cache, id);
  if (existsSync(path.join(cached, 'manifest.mpd'))) return cached;
  if (!HAVE_FFMPEG) return null;
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/make-media.ts'), '--out', cache, '--only', id], { stdio: 'inherit' });
  return r.status === 0 ? cached : null;
}

/** The key tests sign play tokens with. */
export const TEST_KEY = Buffer.alloc(32, 0x5a);

/** A play token for `programId`, valid from `nowSec` for `ttlSec`. */
export function playToken(programId: string, nowSec = Math.floor(Date.now() / 1000), ttlSec = 600, key = TEST_KEY): string {
  const claims: PlayTokenClaims = { u: 'user-1', t: 'terminal-1', p: programId, s: 'session-1', c: 'cluster-1', iat: nowSec, exp: nowSec + ttlSec };
  return signPlayToken(key, claims);
}

/** An app as app.ts builds it (validators, error vocabulary) with only the media routes. */
export async function mediaApp(opts: Omit<MediaRoutesOptions, 'tokenKey'> & { tokenKey?: Buffer }): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  app.setValidatorCompiler(validatorCompiler);
  app.decorateRequest('principal', null);
  installErrorHandling(app);
  await app.register(mediaRoutes, { tokenKey: TEST_KEY, ...opts });
  await app.ready();
  return app;
}

/** Run ffprobe with `args` (JSON output added); resolves with its exit code, JSON and stderr. */
export function ffprobe(args: string[]): Promise<{ code: number | null; json: unknown; stderr: string }> {
  // Async spawn: the server under test runs in this same process and must keep answering.
  return new Promise((resolve) => {
    const child = spawn('ffprobe', ['-v', 'error', '-of', 'json', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      let json: unknown;
      try {
        json = JSON.parse(out);
      } catch {
        json = null;
      }
      resolve({ code, json, stderr: err });
    });
  });
}

/** Seconds of an xs:duration such as `PT2M0.0S`. */
export function isoSeconds(d: string): number {
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?$/.exec(d);
  return m ? Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0) : NaN;
}

/**
 * A GET written byte for byte to 127.0.0.1:`port` over a plain socket, so that nothing on the
 * client side normalises `..`, `\` or escapes before the server sees them.
 */
export function rawHttpGet(port: number, target: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.on('data', (c: Buffer) => (data += c.toString('latin1')));
    socket.on('error', reject);
    socket.on('end', () => resolve({ status: Number(data.split(' ')[1]), body: data.slice(data.indexOf('\r\n\r\n') + 4) }));
    const lines = Object.entries({ host: 'localhost', connection: 'close', ...headers }).map(([k, v]) => `${k}: ${v}`);
    socket.write(`GET ${target} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  });
}
