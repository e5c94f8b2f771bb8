/**
 * Seek-preview thumbnails of one viewing: the tile at a time from the engine's image track
 * (a DASH image adaptation set), its sprite sheet fetched with the play token — an <img> or CSS
 * background cannot send it — and kept as an object URL per sheet until `destroy()`.
 */
import type { PlayerEngine } from './engine.ts';
import { previewTile, type PreviewTile } from './tracks.ts';

/** What the thumbnails need. */
export interface ThumbnailDeps {
  /** The engine now (null once closed). */
  engine: () => PlayerEngine | null;
  /** A valid play token for the media requests (null = none). */
  token: () => Promise<string | null>;
  /** Fetch (default: global fetch). */
  fetch?: typeof fetch | undefined;
}

/** Thumbnails of a viewing. */
export interface Thumbnails {
  /** The tile at `t` seconds, `width` px wide; null when there are none. */
  at(t: number, width: number): Promise<PreviewTile | null>;
  /** Release the sheets' object URLs. */
  destroy(): void;
}

/** Create the thumbnails of a viewing. */
export function createThumbnails(deps: ThumbnailDeps): Thumbnails {
  const doFetch = deps.fetch ?? ((...a: Parameters<typeof fetch>) => fetch(...a));
  const sheets = new Map<string, Promise<string | null>>();
  let destroyed = false;
  const sheet = (uri: string): Promise<string | null> => {
    let s = sheets.get(uri);
    if (!s) {
      s = (async () => {
        try {
          const token = await deps.token();
          const res = await doFetch(uri, token ? { headers: { Authorization: `Bearer ${token}` } } : {});
          return res.ok ? URL.createObjectURL(await res.blob()) : null;
        } catch {
          return null;
        }
      })();
      sheets.set(uri, s);
      // A failed sheet is tried again next time.
      void s.then((url) => url === null && sheets.delete(uri));
    }
    return s;
  };
  return {
    async at(t, width) {
      const engine = deps.engine();
      const track = engine?.getImageTracks()[0];
      if (!engine || !track || destroyed) return null;
      const thumb = await engine.getThumbnails(track.id, t).catch(() => null);
      const uri = thumb?.uris[0];
      if (!thumb || !uri || destroyed) return null;
      const url = await sheet(uri);
      return url && !destroyed ? previewTile(thumb, url, width) : null;
    },
    destroy() {
      destroyed = true;
      for (const s of sheets.values()) void s.then((url) => url && URL.revokeObjectURL(url));
      sheets.clear();
    },
  };
}
