/**
 * Helpers of the specs that play media-library programmes: waiting for the library to package
 * its files, reading what Shaka plays in a page, and how fast playback advances.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, type Server } from './fixtures.ts';

/** The admin token of a test server (in its data dir). */
export async function adminToken(server: Server): Promise<string> {
  return (await readFile(join(server.dataDir, 'admin-token'), 'utf8')).trim();
}

/** The programme id of the library's only file, once it is packaged. */
export async function packaged(server: Server): Promise<string> {
  const token = await adminToken(server);
  let files: { state: string; programId: string | null }[] = [];
  await expect
    .poll(
      async () => {
        const res = await fetch(`${server.url}/admin/v1/library`, { headers: { authorization: `Bearer ${token}` } });
        files = ((await res.json()) as { files: typeof files }).files;
        return files.map((f) => f.state).join(',');
      },
      { timeout: 120_000, intervals: [500] },
    )
    .toBe('ready');
  return files[0]?.programId as string;
}

/** What Shaka plays in this page: active audio and text languages, and the video's speed. */
export function shakaState(page: Page): Promise<{ audio: string | null; text: string | null; rate: number }> {
  return page.locator('video').evaluate((v: HTMLVideoElement) => {
    const p = (v as unknown as { shakaPlayer?: { getAudioTracks(): { language: string; active: boolean }[]; getTextTracks(): { language: string; active: boolean }[] } }).shakaPlayer;
    return {
      audio: p?.getAudioTracks().find((t) => t.active)?.language ?? null,
      text: p?.getTextTracks().find((t) => t.active)?.language ?? null,
      rate: v.playbackRate,
    };
  });
}

/**
 * Media seconds per wall-clock second over `ms`, measured in the page (both clocks read there);
 * a measurement during which the video stalled or paused is NaN, so a poll measures again.
 */
export function advanceRate(page: Page, ms = 3000): Promise<number> {
  return page.locator('video').evaluate(
    (v: HTMLVideoElement, span: number) =>
      new Promise<number>((resolve) => {
        let stalled = false;
        const stall = () => (stalled = true);
        v.addEventListener('waiting', stall);
        v.addEventListener('pause', stall);
        const t0 = v.currentTime;
        const w0 = performance.now();
        setTimeout(() => {
          v.removeEventListener('waiting', stall);
          v.removeEventListener('pause', stall);
          const rate = (v.currentTime - t0) / ((performance.now() - w0) / 1000);
          resolve(stalled || v.paused ? Number.NaN : rate);
        }, span);
      }),
    ms,
  );
}
