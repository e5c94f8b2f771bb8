/**
 * Token propagation through manifests. A player that cannot set an Authorization header
 * (Safari's native HLS, a TV browser's media element) fetches the manifest with `?token=`;
 * the media server then rewrites every relative URL in it to carry the same token, so each
 * segment request is admitted too. Absolute URLs (another host, a CDN) are left alone: the
 * token must never leak to a host that did not ask for it.
 */
import { childrenOf, localName, parseXml, buildXml, tagOf, type XmlNode } from './xml.ts';

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

/** Elements whose URL attributes point at media, and those attributes (DASH, ISO/IEC 23009-1). */
const DASH_URL_ATTRS: Readonly<Record<string, readonly string[]>> = {
  SegmentTemplate: ['media', 'initialization', 'index', 'bitstreamSwitching'],
  SegmentURL: ['media', 'index'],
  Initialization: ['sourceURL'],
  RepresentationIndex: ['sourceURL'],
  BitstreamSwitching: ['sourceURL'],
};

/** Elements whose text is a URL. */
const DASH_URL_TEXT = new Set(['BaseURL', 'Location', 'PatchLocation']);

/** Rewrite the URLs of one element and its subtree, in place. */
function tokenizeNode(node: XmlNode, token: string): void {
  const tag = tagOf(node);
  if (tag === null) return;
  const name = localName(tag);
  const attrs = node[':@'] as Record<string, string> | undefined;
  if (attrs) {
    for (const key of Object.keys(attrs)) {
      const value = attrs[key];
      // xlink:href (remote Periods, AdaptationSets …) is fetched by the player like a segment.
      const isUrl = DASH_URL_ATTRS[name]?.includes(key) || localName(key) === 'href';
      if (isUrl && value) attrs[key] = withToken(value, token);
    }
  }
  const children = childrenOf(node);
  if (DASH_URL_TEXT.has(name)) {
    const url = children.map((c) => (typeof c['#text'] === 'string' ? c['#text'] : '')).join('').trim();
    // A directory BaseURL stays as is: URL resolution drops a base's query, so the token must
    // ride on the segment templates instead.
    if (url === '' || (name === 'BaseURL' && url.endsWith('/'))) return;
    node[tag] = [{ '#text': withToken(url, token) }];
    return;
  }
  for (const child of children) tokenizeNode(child, token);
}

/**
 * Add the token to every relative URL of a DASH MPD: the URL attributes above, `xlink:href`,
 * `Location` / `PatchLocation` (the live manifest's own refresh URLs) and file-like `BaseURL`s.
 * The manifest is read as XML, so any packager's layout, quoting, namespace prefixes and
 * entities are understood; everything else is written back unchanged.
 */
export function tokenizeMpd(mpd: string, token: string): string {
  const nodes = parseXml(mpd);
  for (const node of nodes) tokenizeNode(node, token);
  return buildXml(nodes);
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
