/**
 * The service worker of the web terminal: it keeps the app shell (index.html and the hashed
 * assets it names) so the app starts — and a reload works — without a network. Everything else
 * (API, push, media, artwork) goes straight to the network: the app's own offline logic (the
 * cached home page, the outbox) decides what to do without it.
 *
 * Navigations are network-first (a new build is picked up at once), assets cache-first (their
 * names change with their content). Built as `sw.js` at the root of dist (vite.config.ts),
 * self-contained: it imports nothing.
 */

/** The bits of the service-worker global scope used here (the DOM lib does not declare them). */
interface SwScope {
  registration: { scope: string };
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
  addEventListener(type: 'install' | 'activate', fn: (e: { waitUntil(p: Promise<unknown>): void }) => void): void;
  addEventListener(type: 'fetch', fn: (e: { request: Request; respondWith(r: Promise<Response>): void }) => void): void;
}

const sw = self as unknown as SwScope;
const CACHE = 'ra-shell-v1';
const scope = () => new URL(sw.registration.scope);
const shellUrl = () => new URL('./', scope()).href;

/** The shell's URLs: the page and every local asset it references. */
async function shellAssets(html: string): Promise<string[]> {
  const urls = new Set<string>();
  for (const m of html.matchAll(/(?:src|href)="([^"]+)"/g)) {
    const ref = m[1] as string;
    const url = new URL(ref, scope());
    if (url.origin === scope().origin && !ref.startsWith('#')) urls.add(url.href);
  }
  return [...urls];
}

/** The build's chunks loaded on demand (`shell-assets.json`, vite.config.ts); none when unreadable. */
async function chunkAssets(): Promise<string[]> {
  try {
    const res = await fetch(new URL('./shell-assets.json', scope()).href, { cache: 'no-cache' });
    const list: unknown = res.ok ? await res.json() : [];
    return Array.isArray(list) ? list.filter((f): f is string => typeof f === 'string' && f.startsWith('assets/')).map((f) => new URL(f, scope()).href) : [];
  } catch {
    return [];
  }
}

/** Fetch and keep the assets `html` names, and the build's chunks, that the cache lacks. */
async function cacheMissing(cache: Cache, html: string): Promise<void> {
  for (const url of new Set([...(await shellAssets(html)), ...(await chunkAssets())])) {
    if (await cache.match(url)) continue;
    const r = await fetch(url).catch(() => null);
    if (r?.ok) await cache.put(url, r);
  }
}

async function precache(): Promise<void> {
  const cache = await caches.open(CACHE);
  const res = await fetch(shellUrl(), { cache: 'no-cache' });
  if (!res.ok) return;
  const html = await res.clone().text();
  await cache.put(shellUrl(), res);
  await cacheMissing(cache, html);
}

sw.addEventListener('install', (e) => {
  e.waitUntil(precache().then(() => sw.skipWaiting()));
});

sw.addEventListener('activate', (e) => {
  e.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
      await sw.clients.claim();
    })(),
  );
});

/** True for requests the shell cache serves: same-origin GETs of the page and its assets. */
function isShell(req: Request): 'page' | 'asset' | null {
  if (req.method !== 'GET') return null;
  const url = new URL(req.url);
  const base = scope();
  if (url.origin !== base.origin || !url.pathname.startsWith(base.pathname)) return null;
  if (req.mode === 'navigate') return url.pathname === base.pathname || url.pathname === `${base.pathname}index.html` ? 'page' : null;
  const rest = url.pathname.slice(base.pathname.length);
  return rest.startsWith('assets/') || /^(icon\.svg|manifest\.webmanifest)$/.test(rest) ? 'asset' : null;
}

sw.addEventListener('fetch', (e) => {
  const kind = isShell(e.request);
  if (!kind) return;
  e.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      if (kind === 'page') {
        try {
          const res = await fetch(e.request);
          if (res.ok) {
            await cache.put(shellUrl(), res.clone());
            // A new build names new assets: fetch them now, while online.
            void res.clone().text().then((html) => cacheMissing(cache, html)).catch(() => undefined);
          }
          return res;
        } catch {
          return (await cache.match(shellUrl())) ?? Response.error();
        }
      }
      const hit = await cache.match(e.request);
      if (hit) return hit;
      const res = await fetch(e.request);
      if (res.ok) await cache.put(e.request, res.clone());
      return res;
    })(),
  );
});
