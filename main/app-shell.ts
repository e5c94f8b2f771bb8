/**
 * Offline start with a remote server: the window's pages come from the remote server's origin
 * (the renderer calls the API same-origin), but the app shell — index.html and its hashed
 * assets — is answered from the copy of the renderer packaged with the app. So the app opens
 * with no network, the renderer shows the cached home page (PlatformBridge.cacheGet), and the
 * shell always matches this app's preload. Everything else (the API, media) goes to the network.
 *
 * With the embedded server (the default) this is not needed: the shell is served locally anyway.
 */
import { extname, join, normalize, sep } from 'node:path';

/** Content types of the files a Vite build emits. */
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/** A local file that answers a request. */
export interface ShellFile {
  path: string;
  contentType: string;
}

/**
 * The packaged file for a GET of the app's origin, or null to go to the network: `/` is
 * index.html; any other path must name an existing file under webDir (no traversal).
 */
export function shellFileFor(method: string, url: string, appOrigin: string, webDir: string, exists: (path: string) => boolean): ShellFile | null {
  if (method !== 'GET') return null;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.origin !== appOrigin) return null;
  const rel = u.pathname === '/' || u.pathname === '/index.html' ? 'index.html' : decodeURIComponent(u.pathname).replace(/^\/+/, '');
  if (rel.startsWith('api/') || rel.includes('\0')) return null;
  const full = normalize(join(webDir, rel));
  if (!full.startsWith(normalize(webDir) + sep) || !exists(full)) return null;
  const type = TYPES[extname(full).toLowerCase()];
  return type ? { path: full, contentType: type } : null;
}
