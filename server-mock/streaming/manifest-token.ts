/**
 * Token propagation through manifests. A player that cannot set an Authorization header
 * (Safari's native HLS, a TV browser's media element) fetches the manifest with `?token=`;
 * the media server then rewrites every relative URL in it to carry the same token, so each
 * segment request is admitted too. Absolute URLs (another host, a CDN) are left alone: the
 * token must never leak to a host that did not ask for it.
 */

/** True for a relative reference (`seg.m4s`, `../a`, `/media/x`), false for `https:`, `//host`, `data:`. */
export function isRelativeUrl(url: string): boolean {
  return url.length > 0 && !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(url) && !url.startsWith('//');
}

/** `url` with `token=<token>` added to its query (before any fragment); absolute URLs unchanged. */
export function withToken(url: string, token: string): string {
  if (!isRelativeUrl(url)) return url;
  const hash = url.indexOf('#');
  const [base, frag] = hash < 0 ? [url, ''] : [url.slice(0, hash), url.slice(hash)];
  return `${base}${base.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}${frag}`;
}

/** Escape for an XML attribute value or text node. */
function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Undo the five predefined XML entities (attribute values arrive escaped). */
function unxml(s: string): string {
  return s.replace(/&(lt|gt|quot|apos|amp);/g, (_m, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e] ?? '');
}

/** Elements whose URL attributes point at media, and those attributes. */
const DASH_URL_ATTRS: Record<string, string[]> = {
  SegmentTemplate: ['media', 'initialization', 'index', 'bitstreamSwitching'],
  SegmentURL: ['media', 'index'],
  Initialization: ['sourceURL'],
  RepresentationIndex: ['sourceURL'],
  BitstreamSwitching: ['sourceURL'],
};

/**
 * Add the token to every relative URL of a DASH MPD: the URL attributes above, `Location`
 * (the live manifest's own refresh URL) and file-like `BaseURL`s. A directory BaseURL
 * (ending in `/`) is left as is: URL resolution drops a base's query, so the token must ride
 * on the segment templates instead.
 */
export function tokenizeMpd(mpd: string, token: string): string {
  const elements = Object.keys(DASH_URL_ATTRS).join('|');
  const tagged = mpd.replace(new RegExp(`<(${elements})\\b[^>]*>`, 'g'), (tag, name: string) =>
    tag.replace(/(\s)([A-Za-z]+)="([^"]*)"/g, (whole, sp: string, key: string, value: string) =>
      DASH_URL_ATTRS[name]?.includes(key) && value ? `${sp}${key}="${xml(withToken(unxml(value), token))}"` : whole,
    ),
  );
  return tagged.replace(/<(BaseURL|Location)\b([^>]*)>([^<]*)<\/\1>/g, (whole, name: string, attrs: string, text: string) => {
    const url = unxml(text.trim());
    if (url === '' || (name === 'BaseURL' && url.endsWith('/'))) return whole;
    return `<${name}${attrs}>${xml(withToken(url, token))}</${name}>`;
  });
}

/**
 * Add the token to every relative URI of an HLS playlist (master or media): each URI line and
 * every `URI="…"` attribute (EXT-X-MAP, EXT-X-MEDIA, EXT-X-KEY, EXT-X-I-FRAME-STREAM-INF, …).
 */
export function tokenizeM3u8(text: string, token: string): string {
  return text
    .split('\n')
    .map((line) => {
      const trimmed = line.replace(/\r$/, '');
      if (trimmed.startsWith('#')) {
        return trimmed.startsWith('#EXT') ? line.replace(/\bURI="([^"]*)"/g, (_m, uri: string) => `URI="${withToken(uri, token)}"`) : line;
      }
      if (trimmed.trim() === '') return line;
      return line.replace(trimmed.trim(), withToken(trimmed.trim(), token));
    })
    .join('\n');
}
