/**
 * A catalogue's JSON, its version and its pages, worked out once per catalogue list.
 *
 * The catalogue is the same for every terminal of a type (and maturity limit) until it
 * changes; an in-process global hands out the same frozen list until then (the store's
 * catalogue cache, and history-service's per-limit filter), so everything derived from it is
 * kept with the list (a WeakMap: it goes when the list does). A list from an HTTP global is a
 * new array every time and is worked out every time.
 *
 * The version is a hash of the catalogue's JSON, not a counter or a process's memory: every
 * portal (and every global instance behind them — see global/fanout.ts) derives the same
 * version from the same content, so a terminal's cached copy revalidates anywhere, and two
 * variants (terminal types, maturity limits) with different content never share a version.
 */
import { createHash } from 'node:crypto';
import type { Program } from '../../common/protocol/model.ts';

/** Serialises a list of programmes exactly as the route schema would. */
export type ProgramsSerializer = (programs: readonly Program[]) => string;

/** What is derived from one catalogue list. */
export interface CatalogueEntry {
  /** `c1-` + 22 characters of base64url SHA-256 of `json`. */
  version: string;
  total: number;
  /** The list's JSON (an array). */
  json: string;
  /** Page bodies by `offset:limit` (bounded). */
  pages: Map<string, Buffer>;
}

/** Most distinct pages kept per catalogue (a client choosing odd offsets cannot grow it). */
const MAX_PAGES = 16;

const cache = new WeakMap<readonly Program[], CatalogueEntry>();

/** A list that can never change: frozen, down to every programme (the store's). */
function isShared(programs: readonly Program[]): boolean {
  return Object.isFrozen(programs) && programs.every((p) => Object.isFrozen(p));
}

/** The version of a catalogue's JSON. */
export function catalogueVersion(json: string): string {
  return `c1-${createHash('sha256').update(json).digest('base64url').slice(0, 22)}`;
}

/** The entry of a catalogue list (cached when the list is shared). */
export function catalogueEntry(programs: readonly Program[], serialize: ProgramsSerializer): CatalogueEntry {
  const hit = cache.get(programs);
  if (hit) return hit;
  const json = serialize(programs);
  const entry: CatalogueEntry = { version: catalogueVersion(json), total: programs.length, json, pages: new Map() };
  if (isShared(programs)) cache.set(programs, entry);
  return entry;
}

/**
 * The body of `GET /portal/v1/catalogue` for one page, as the CataloguePage schema serialises
 * it (portal/catalogue.test.ts checks it byte for byte). The whole list is reused as is.
 */
export function cataloguePageBody(programs: readonly Program[], entry: CatalogueEntry, offset: number, limit: number, serialize: ProgramsSerializer): Buffer {
  const key = `${offset}:${limit}`;
  const hit = entry.pages.get(key);
  if (hit) return hit;
  const whole = offset === 0 && limit >= entry.total;
  const list = whole ? entry.json : serialize(programs.slice(offset, offset + limit));
  const body = Buffer.from(`{"version":${JSON.stringify(entry.version)},"total":${entry.total},"offset":${offset},"programs":${list}}`);
  if (entry.pages.size < MAX_PAGES && cache.get(programs) === entry) entry.pages.set(key, body);
  return body;
}

/** The strong entity tag of one page (its content is fixed by version, offset and limit). */
export function catalogueEtag(version: string, offset: number, limit: number): string {
  return `"${version}.${offset}.${limit}"`;
}

/**
 * Whether an If-None-Match header names this entity tag. A compressed response's tag carries
 * its coding (`"….-gzip"`, see plugin.ts), so a client revalidating with the tag it was given
 * matches whichever coding it got; `*` matches anything; weak comparison (RFC 9110 §13.1.2).
 */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const bare = etag.slice(1, -1);
  for (const raw of header.split(',')) {
    let tag = raw.trim();
    if (tag.startsWith('W/')) tag = tag.slice(2);
    if (!tag.startsWith('"') || !tag.endsWith('"') || tag.length < 2) continue;
    const value = tag.slice(1, -1).replace(/-(gzip|br|deflate|zstd)$/, '');
    if (value === bare) return true;
  }
  return false;
}
