/**
 * Is a programme's media there? For a link into the media roots: does its manifest exist (a
 * programme whose folder was deleted, or a live channel without its loop source). For an
 * operator CDN link (`https://…`): does the manifest URL answer? The probe presents a
 * short-lived play token for that very programme (the CDN checks tokens, docs/CDN.md), so a
 * 2xx is available and anything else — a network failure, a timeout, a 404, a 5xx, or a 401/403
 * (the CDN does not accept this deployment's tokens) — is "unreachable". Without a token to
 * present, a 401/403 only proves the CDN is there, and counts as available. CDN answers are
 * cached briefly so a burst of plays costs one request.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { ProgramLink } from '../../common/protocol/model.ts';

/** Whether a link's media can be served. */
export type MediaState = 'ok' | 'missing' | 'unreachable';

/** True for an operator CDN link (absolute https URL). */
export function isCdnUrl(link: string): boolean {
  return /^https:\/\//i.test(link);
}

/** Options of a checker. */
export interface MediaCheckOptions {
  /** Media roots searched in order. */
  roots: readonly string[];
  /** How long a CDN answer is trusted, ms (default 30 s). */
  cdnCacheMs?: number;
  /** Timeout of a CDN probe, ms (default 3 s). */
  cdnTimeoutMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
  /** A short-lived play token for a programme, presented by CDN probes. */
  probeToken?: (programId: string) => string;
}

/** A media checker: `check(link)` says whether the link's DASH manifest can be served. */
export function mediaChecker(o: MediaCheckOptions) {
  const cache = new Map<string, { at: number; state: MediaState }>();
  const now = o.now ?? Date.now;
  const doFetch = o.fetch ?? fetch;

  async function local(rel: string): Promise<MediaState> {
    const parts = rel.split('/').filter(Boolean);
    if (parts.length === 0 || parts.some((p) => p === '..' || p === '.')) return 'missing';
    for (const root of o.roots) {
      const s = await stat(path.join(root, ...parts)).catch(() => null);
      if (s?.isFile()) return 'ok';
      // A live channel's manifest is virtual (live.mpd): its loop source is manifest.mpd beside it.
      if (parts.at(-1) === 'live.mpd' && (await stat(path.join(root, ...parts.slice(0, -1), 'manifest.mpd')).catch(() => null))?.isFile()) return 'ok';
    }
    return 'missing';
  }

  async function remote(url: string, programId: string | undefined): Promise<MediaState> {
    const hit = cache.get(url);
    if (hit && now() - hit.at < (o.cdnCacheMs ?? 30_000)) return hit.state;
    let state: MediaState;
    try {
      const token = programId && o.probeToken ? o.probeToken(programId) : null;
      const headers = token ? { authorization: `Bearer ${token}` } : undefined;
      const res = await doFetch(url, { method: 'HEAD', headers, redirect: 'follow', signal: AbortSignal.timeout(o.cdnTimeoutMs ?? 3000) });
      const refused = res.status === 401 || res.status === 403;
      state = res.ok || res.status === 405 || (refused && !token) ? 'ok' : 'unreachable';
    } catch {
      state = 'unreachable';
    }
    cache.set(url, { at: now(), state });
    if (cache.size > 1000) cache.delete(cache.keys().next().value as string);
    return state;
  }

  return {
    /** The state of a link's DASH manifest (`programId`: for the CDN probe's token). */
    check(link: ProgramLink, programId?: string): Promise<MediaState> {
      return isCdnUrl(link.dash) ? remote(link.dash, programId) : local(link.dash);
    },
  };
}

/** A media checker. */
export type MediaChecker = ReturnType<typeof mediaChecker>;
