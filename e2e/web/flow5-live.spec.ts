/**
 * Flow 5 — the live programme resumes at the saved wall-clock moment: A watches the live
 * channel 60 s behind live and stops; B resumes at that broadcast moment (presentation time t
 * is the wall clock liveEpochMs + t·1000), not at the live edge.
 */
import { card, createAccount, expect, firstPlaying, openTerminal, playFromCatalogue, press, test } from '../fixtures.ts';

test('the live programme resumes at the saved wall-clock moment', async ({ browser, server }, testInfo) => {
  const login = 'fei@example.com';
  await createAccount(server, login);
  const a = await openTerminal(browser, server, { login, name: 'Kitchen PC' });
  const b = await openTerminal(browser, server, { login, name: 'Sofa PC' });

  await playFromCatalogue(a.page, 'live-news');
  await press(a.page, 'ArrowLeft', 6);
  await a.page.waitForTimeout(2_500);
  const stopRequest = a.page.waitForRequest((r) => /\/stream\/v1\/sessions\/[^/]+\/stop$/.test(r.url()));
  await a.page.keyboard.press('Escape');
  const stop = (await stopRequest).postDataJSON() as { position: { kind: string; epochMs: number } };
  expect(stop.position.kind).toBe('wallclock');
  const w = stop.position.epochMs;
  expect(Date.now() - w).toBeGreaterThan(45_000);

  const cardB = card(b.page, 'live-news');
  await expect(cardB).toHaveAttribute('data-epoch-ms', String(w), { timeout: 2_000 });
  await expect(cardB).toHaveAttribute('data-terminal-name', 'Kitchen PC');

  const playAnswer = b.page.waitForResponse((r) => r.url().endsWith('/stream/v1/play'));
  await cardB.getByRole('button', { name: /^Resume City News 24/ }).click();
  const play = (await (await playAnswer).json()) as { liveEpochMs: number; atLiveEdge: boolean; start: { epochMs: number } };
  expect(play.atLiveEdge).toBe(false);
  expect(play.start.epochMs).toBe(w);
  const first = await firstPlaying(b.page);
  const resumedAt = play.liveEpochMs + first.t * 1000;
  const errorMs = Math.abs(resumedAt - w);
  await expect(b.page.getByText(/behind live/)).toBeVisible();

  const measured = { savedEpochMs: w, resumedEpochMs: Math.round(resumedAt), errorMs: Math.round(errorMs), behindLiveS: Math.round((first.at - w) / 1000) };
  testInfo.annotations.push({ type: 'measured', description: JSON.stringify(measured) });
  console.log('flow5 measured', measured);
  expect(errorMs).toBeLessThan(500);
});
