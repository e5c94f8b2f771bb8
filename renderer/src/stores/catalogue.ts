/**
 * The terminal's copy of its catalogue (issue 17): the home document names the catalogue's
 * version; the copy held (in memory, and through the bridge across restarts) is used while it
 * has that version, and fetched again — page by page, revalidating with its entity tag — only
 * when the version moved. The home page model (`HomePage`, what the UI reads) is the document
 * expanded over the copy (common/home-document.ts).
 */
import * as Type from 'typebox';
import type { Static } from 'typebox';
import { Check } from 'typebox/value';
import { expandHome, StaleCatalogueError } from '../../../common/home-document.ts';
import type { HomeDocument, HomePage } from '../../../common/protocol/api.ts';
import { Program } from '../../../common/protocol/model.ts';
import type { PlatformBridge } from '../../../common/platform.ts';
import type { Api } from '../api/http.ts';
import { lenient } from '../api/lenient.ts';

/** Cache key of the held catalogue. */
export const CATALOGUE_CACHE_KEY = 'catalogue';

/** A catalogue as held: its version, the entity tag of its first page, and the programmes. */
const HeldCatalogue = Type.Object({ version: Type.String(), etag: Type.Union([Type.String(), Type.Null()]), programs: Type.Array(Program) });
type HeldCatalogue = Static<typeof HeldCatalogue>;

/** Fetch attempts when the catalogue changes while its pages are being read. */
const ATTEMPTS = 3;

/** What the holder needs. */
export interface CatalogueDeps {
  api: Pick<Api, 'homeDocument' | 'catalogue'>;
  cache: Pick<PlatformBridge, 'cacheGet' | 'cacheSet'>;
}

/** The holder of one terminal's catalogue. */
export function createCatalogueHolder(deps: CatalogueDeps) {
  let held: HeldCatalogue | null = null;
  let restored = false;
  let generation = 0;

  async function restore(): Promise<void> {
    if (restored) return;
    restored = true;
    const stored = await deps.cache.cacheGet(CATALOGUE_CACHE_KEY).catch(() => null);
    if (!held && Check(lenient(HeldCatalogue), stored)) held = stored;
  }

  /** Read every page; the held copy's tag revalidates the first (304: the held copy stands). */
  async function fetchAll(revalidate: boolean): Promise<HeldCatalogue> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const first = await deps.api.catalogue(0, revalidate && attempt === 0 ? held?.etag : null);
      if (first.notModified) {
        if (held) return held;
        continue; // a 304 for a copy we no longer hold (reset meanwhile): ask again without a tag
      }
      const { version, total } = first.page;
      const programs = [...first.page.programs];
      let moved = false;
      while (programs.length < total) {
        const next = await deps.api.catalogue(programs.length);
        if (next.notModified || next.page.version !== version || next.page.programs.length === 0) {
          moved = true;
          break;
        }
        programs.push(...next.page.programs);
      }
      if (!moved) return { version, etag: first.etag, programs };
    }
    throw new StaleCatalogueError('The catalogue kept changing while it was read');
  }

  /** Make the held copy the catalogue of this version (fetching it if it is not). */
  async function ensure(version: string, force: boolean): Promise<HeldCatalogue> {
    await restore();
    if (held && held.version === version && !force) return held;
    const gen = generation;
    const fresh = await fetchAll(!force);
    if (gen === generation) {
      held = fresh;
      deps.cache.cacheSet(CATALOGUE_CACHE_KEY, fresh).catch(() => undefined);
    }
    return fresh;
  }

  return {
    /** The home page: the document, over the catalogue it names. */
    async homePage(): Promise<HomePage> {
      const doc: HomeDocument = await deps.api.homeDocument();
      const copy = await ensure(doc.catalogue.version, false);
      try {
        return expandHome(doc, copy.programs);
      } catch (err) {
        if (!(err instanceof StaleCatalogueError)) throw err;
        // The copy is not the one the document was built over (changed in between): read it again.
        return expandHome(doc, (await ensure(doc.catalogue.version, true)).programs);
      }
    },
    /** The version held now (null: none). */
    version: () => held?.version ?? null,
    /** Forget the copy (sign out); the stored one too. */
    reset() {
      generation++;
      held = null;
      restored = true;
      deps.cache.cacheSet(CATALOGUE_CACHE_KEY, null).catch(() => undefined);
    },
  };
}

/** A catalogue holder. */
export type CatalogueHolder = ReturnType<typeof createCatalogueHolder>;
