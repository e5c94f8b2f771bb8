/**
 * Playback speed end to end, and the Continue-watching frame once the record's play token has
 * expired — in Chromium, with Shaka playing a programme the media library packaged from an
 * ffmpeg-generated file. PC A sets 1.5× from the speed menu: the <video> plays at 1.5 and its
 * position advances about 1.5 s per wall-clock second; the stop's record carries speed 1.5
 * (the account export reads it back); once that record's play token has expired (30 s
 * lifetime here), phone B's card still shows the frame at the breakpoint — fetched with B's
 * own terminal credential — and B resumes at 1.5×, advancing as fast.
 */
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { HomePage } from '../../common/protocol/api.ts';
import { h264TwoLanguages } from '../../server-mock/library/test-media.ts';
import { card, createAccount, expect, openTerminal, playFromCatalogue, test, videoTime, waitPlaying, type Server } from '../fixtures.ts';
import { advanceRate, packaged, shakaState } from '../library-fixtures.ts';

const LIBRARY = mkdtempSync(join(tmpdir(), 'ra-e2e-speed-'));
const LOGIN = 'speed@example.com';
const PASSWORD = 'correct-horse-1';

// A 2-minute programme, resumable with a 10 s minimum; play tokens live 30 s (the minimum).
test.use({ serverArgs: ['--library', LIBRARY, '--resume-min-duration-sec', '10', '--play-token-ttl-sec', '30'] });
test.beforeAll(async () => {
  await h264TwoLanguages(join(LIBRARY, 'Two Voices.mp4'), 120);
});
test.afterAll(async () => {
  await rm(LIBRARY, { recursive: true, force: true });
});

/** '1.5×' when playback advances 1.5 s (± 10 %) per wall-clock second, else the rate measured (a poll measures again). */
async function rateOf(page: Page): Promise<string> {
  const r = await advanceRate(page);
  return r > 1.35 && r < 1.65 ? '1.5×' : `${r.toFixed(2)}×`;
}

/** The home page as a terminal of the account made through the API sees it. */
async function homeOf(server: Server): Promise<HomePage> {
  const post = async (path: string, body: object, auth?: string) =>
    (await (await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}) }, body: JSON.stringify(body) })).json()) as Record<string, unknown>;
  const session = await post('/api/v1/sessions', { login: LOGIN, password: PASSWORD });
  const terminal = await post('/api/v1/terminals', { name: 'Probe', type: 'pc' }, session.token as string);
  return (await (await fetch(`${server.url}/portal/v1/home`, { headers: { authorization: `Bearer ${terminal.credential as string}` } })).json()) as HomePage;
}

test('1.5× from the menu plays at 1.5×, is recorded, and resumes at 1.5× on another terminal whose card frame outlives the play token', async ({ browser, server }) => {
  test.setTimeout(240_000);
  const id = await packaged(server);
  await createAccount(server, LOGIN, PASSWORD);

  // PC A: 1.5× from the speed menu.
  const a = await openTerminal(browser, server, { login: LOGIN, password: PASSWORD, name: 'Study PC' });
  await playFromCatalogue(a.page, id);
  expect((await shakaState(a.page)).rate).toBe(1);
  await a.page.getByTestId('tracks-button').click();
  const menu = a.page.getByTestId('track-menu');
  await menu.locator('[data-section=speed] [data-key="1.5"]').click();
  await expect(menu.locator('[data-section=speed] [data-key="1.5"]')).toHaveAttribute('aria-checked', 'true');
  await a.page.getByTestId('tracks-button').click();
  await expect(menu).toBeHidden();
  await expect.poll(() => shakaState(a.page)).toMatchObject({ rate: 1.5 });
  // The position runs 1.5 s per wall-clock second (not 1, not 2).
  await expect.poll(() => rateOf(a.page), { timeout: 60_000, intervals: [0] }).toBe('1.5×');

  await expect.poll(() => videoTime(a.page), { timeout: 20_000 }).toBeGreaterThan(15);
  await a.page.mouse.move(40, 40);
  await a.page.mouse.move(60, 50);
  await a.page.locator('.player-top .icon-btn').click();
  await expect(card(a.page, id)).toBeVisible();
  await expect(card(a.page, id).getByTestId('cw-tracks')).toContainText('1.5×');

  // The record carries the speed (read back from the server, not from the page).
  const session = (await (await fetch(`${server.url}/api/v1/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: LOGIN, password: PASSWORD }) })).json()) as { token: string };
  const exported = async () => {
    const res = await fetch(`${server.url}/api/v1/account/export`, { headers: { authorization: `Bearer ${session.token}` } });
    return ((await res.json()) as { history: { programId: string; tracks?: { playbackRate?: number } }[] }).history.find((r) => r.programId === id);
  };
  await expect.poll(async () => (await exported())?.tracks?.playbackRate).toBe(1.5);

  // Phone B, once the record's play token has expired: its card still shows the frame at the
  // breakpoint, fetched with B's own terminal credential.
  const recordToken = (await homeOf(server)).continueWatching.find((c) => c.program.id === id)?.record.playToken;
  expect(recordToken).toBeTruthy();
  const thumbs = `${server.url}/media/${id}/thumbnails.vtt`;
  await expect
    .poll(async () => (await fetch(thumbs, { headers: { authorization: `Bearer ${recordToken}` } })).status, { timeout: 60_000, intervals: [1000] })
    .toBe(401);
  const b = await openTerminal(browser, server, { login: LOGIN, password: PASSWORD, name: 'Phone', type: 'mobile', context: { viewport: { width: 390, height: 844 }, hasTouch: true } });
  const frameRequests: string[] = [];
  b.page.on('request', (r) => {
    if (r.url().includes(`/media/${id}/thumb`)) frameRequests.push(r.headers()['authorization'] ?? '');
  });
  await b.page.reload();
  await expect(card(b.page, id).getByTestId('cw-frame')).toBeVisible({ timeout: 20_000 });
  expect(frameRequests.length).toBeGreaterThanOrEqual(2); // the track and its sheet
  expect(frameRequests.every((h) => h.startsWith('Bearer rat_'))).toBe(true);

  // B resumes at 1.5×, and plays at that speed.
  await card(b.page, id).locator('.cw-actions .btn-primary').click();
  await waitPlaying(b.page);
  await expect.poll(() => shakaState(b.page)).toMatchObject({ rate: 1.5 });
  expect(await videoTime(b.page)).toBeGreaterThan(12);
  await expect.poll(() => rateOf(b.page), { timeout: 60_000, intervals: [0] }).toBe('1.5×');
  await b.page.getByTestId('tracks-button').click();
  await expect(b.page.getByTestId('track-menu').locator('[data-section=speed] [data-key="1.5"]')).toHaveAttribute('aria-checked', 'true');
});
