import { describe, expect, it } from 'vitest';
import type { HomePage } from '../../../common/protocol/api.ts';
import { fakeHomeRoutes, homePage, item, memoryBridge, record, vod } from '../testing/fixtures.ts';
import { CATALOGUE_CACHE_KEY, createCatalogueHolder } from './catalogue.ts';

const programmes = Array.from({ length: 7 }, (_, i) => vod(`prog-${i}`, 10 + i));
const withRow = (catalogue = programmes): HomePage =>
  homePage([item(catalogue[2]!, record('prog-2', { kind: 'offset', offsetMs: 90_000 }))], catalogue);

function setup(pages: HomePage[], pageSize = 3, bridge = memoryBridge()) {
  const queue = [...pages];
  const routes = fakeHomeRoutes(async () => (queue.length > 1 ? queue.shift() : queue[0]) as HomePage, pageSize);
  const holder = createCatalogueHolder({ api: routes, cache: bridge });
  return { holder, calls: routes.calls, bridge };
}

describe('catalogue holder', () => {
  it('reads every page once, then only the home document while the version stays', async () => {
    const { holder, calls } = setup([withRow()]);
    const first = await holder.homePage();
    expect(first.catalogue).toEqual(programmes);
    expect(first.continueWatching[0]?.program).toEqual(programmes[2]);
    expect(calls.catalogue.map((c) => c.offset)).toEqual([0, 3, 6]);
    await holder.homePage();
    await holder.homePage();
    expect(calls.homeDocument).toBe(3);
    expect(calls.catalogue).toHaveLength(3);
  });

  it('a new version is fetched, revalidating the held copy with its tag', async () => {
    const changed = [...programmes, vod('fresh')];
    const { holder, calls } = setup([withRow(), withRow(changed)]);
    await holder.homePage();
    const tag = holder.version();
    const page = await holder.homePage();
    expect(page.catalogue.map((p) => p.id)).toContain('fresh');
    expect(holder.version()).not.toBe(tag);
    expect(calls.catalogue[3]).toEqual({ offset: 0, etag: expect.stringContaining(String(tag)) });
  });

  it('survives a restart through the bridge, and forgets on reset', async () => {
    const bridge = memoryBridge();
    await setup([withRow()], 3, bridge).holder.homePage();
    expect(bridge.cache.get(CATALOGUE_CACHE_KEY)).toMatchObject({ programs: programmes });
    const again = setup([withRow()], 3, bridge);
    expect((await again.holder.homePage()).catalogue).toEqual(programmes);
    expect(again.calls.catalogue).toEqual([]);
    again.holder.reset();
    expect(again.holder.version()).toBeNull();
    expect(await bridge.cacheGet(CATALOGUE_CACHE_KEY)).toBeNull();
  });

  it('a stored copy that is not what it claims (a card’s programme missing) is read again', async () => {
    const bridge = memoryBridge();
    const { holder } = setup([withRow()], 3, bridge);
    await holder.homePage();
    const stored = bridge.cache.get(CATALOGUE_CACHE_KEY) as { programs: unknown[] };
    await bridge.cacheSet(CATALOGUE_CACHE_KEY, { ...stored, programs: stored.programs.filter((p) => (p as { id: string }).id !== 'prog-2') });
    const again = setup([withRow()], 3, bridge);
    const page = await again.holder.homePage();
    expect(page.continueWatching[0]?.program.id).toBe('prog-2');
    expect(again.calls.catalogue[0]).toEqual({ offset: 0, etag: null });
  });
});
