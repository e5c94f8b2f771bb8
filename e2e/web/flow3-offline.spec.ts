/**
 * Flow 3 — offline: terminal A loses the network mid-play, pauses, plays on from its buffer and
 * stops. Those reports wait in its persisted outbox (a reload while offline keeps them: the
 * service worker serves the app, localStorage the queue). When A is back online they are
 * uploaded once, in order, and B's row shows A's offline stop. Meanwhile A's own card shows its
 * offline stop (from the outbox) and its header says offline.
 */
import { card, createAccount, expect, openTerminal, outboxItems, playFromCatalogue, press, test } from '../fixtures.ts';

test('offline reports survive a reload and arrive once, in order, when back online', async ({ browser, server }, testInfo) => {
  // About a minute on a quiet machine; the default 60 s ran out on a loaded one (load 25 on 2 cores).
  test.setTimeout(180_000);
  const login = 'chen@example.com';
  await createAccount(server, login);
  const a = await openTerminal(browser, server, { login, name: 'Train laptop' });
  const b = await openTerminal(browser, server, { login, name: 'Desk PC' });
  // The app shell must be cached before the network goes.
  await a.page.evaluate(() => navigator.serviceWorker.ready.then(() => true));

  // Requests of A still in flight (the push stream aside). Chromium's emulated offline holds a
  // request made while offline and can let it through when the page navigates, which a real
  // network cut never does: the reload below waits until none is held.
  let inflight = 0;
  const counted = (url: string) => /\/(api|stream)\//.test(url) && !url.endsWith('/api/v1/events');
  a.context.on('request', (r) => void (counted(r.url()) && inflight++));
  a.context.on('requestfinished', (r) => void (counted(r.url()) && inflight--));
  a.context.on('requestfailed', (r) => void (counted(r.url()) && inflight--));
  // Uploads the server answered (attempts while offline fail before reaching it).
  const syncs: { reports: { reportId: string; seq: number; event: string; breakpoint: { offsetMs: number } }[] }[] = [];
  a.context.on('response', (res) => {
    const r = res.request();
    if (r.url().endsWith('/api/v1/history/sync') && r.method() === 'POST') syncs.push(r.postDataJSON());
  });

  await playFromCatalogue(a.page, 'harbour-lights');
  await press(a.page, 'ArrowRight', 6);
  // Enough buffered to play on without a network.
  await expect
    .poll(() => a.page.locator('video').evaluate((v: HTMLVideoElement) => (v.buffered.length ? v.buffered.end(v.buffered.length - 1) - v.currentTime : 0)), { timeout: 15_000 })
    .toBeGreaterThan(15);
  await a.page.waitForTimeout(2_500);
  const cardB = card(b.page, 'harbour-lights');
  await expect(cardB).toHaveAttribute('data-terminal-name', 'Train laptop');
  const beforeOffline = Number(await cardB.getAttribute('data-offset-ms'));

  // Offline: pause, play on from the buffer, stop. Besides Chromium's offline emulation (which
  // flips navigator.onLine but may hold a request and release it later), A's API requests are
  // aborted outright, as a real network cut would: nothing made offline can leak through.
  const cut = /\/(api|stream)\//;
  await a.context.route(cut, (route) => route.abort('internetdisconnected'));
  await a.context.setOffline(true);
  await expect(a.page.getByTestId('offline-banner')).toBeVisible();
  await a.page.keyboard.press('Space');
  await expect(a.page.getByTestId('player')).toHaveAttribute('data-paused', 'true');
  await expect(a.page.getByTestId('pending-count')).toContainText('1');
  await a.page.waitForTimeout(500);
  await a.page.keyboard.press('Space');
  await expect(a.page.getByTestId('player')).toHaveAttribute('data-paused', 'false');
  await a.page.waitForTimeout(2_000);
  await a.page.keyboard.press('Escape');
  await expect(a.page.getByTestId('continue-row')).toBeVisible();
  await expect(a.page.getByTestId('pending-count')).toContainText('2');

  const queued = await outboxItems(a.page);
  expect(queued.map((r) => r.event)).toEqual(['pause', 'stop']);
  const [pause, stop] = queued as [(typeof queued)[number], (typeof queued)[number]];
  expect(stop.seq).toBeGreaterThan(pause.seq);
  expect(stop.breakpoint.offsetMs).toBeGreaterThan(pause.breakpoint.offsetMs ?? 0);
  // A's own card shows where A stopped (its outbox), not the server's older point; and the
  // header says offline, not "live updates on".
  await expect(card(a.page, 'harbour-lights')).toHaveAttribute('data-offset-ms', String(stop.breakpoint.offsetMs));
  await expect(a.page.getByTestId('live-indicator')).toHaveAttribute('data-state', 'offline');

  // A reload while offline loses nothing.
  await expect.poll(() => inflight).toBe(0);
  await a.page.reload();
  await expect(a.page.getByTestId('device-chip')).toHaveText('Train laptop');
  await expect(a.page.getByTestId('offline-banner')).toBeVisible();
  await expect(a.page.getByTestId('pending-count')).toContainText('2');
  expect((await outboxItems(a.page)).map((r) => r.reportId)).toEqual([pause.reportId, stop.reportId]);
  await expect(card(a.page, 'harbour-lights')).toHaveAttribute('data-offset-ms', String(stop.breakpoint.offsetMs));
  await expect(a.page.getByTestId('live-indicator')).toHaveAttribute('data-state', 'offline');
  // Nothing of the offline viewing has reached B yet. (The streaming server may by now have
  // closed A's silent session and reported its last heartbeat: a point from before going offline.)
  const shownOnB = Number(await cardB.getAttribute('data-offset-ms'));
  expect(shownOnB).toBeGreaterThanOrEqual(beforeOffline);
  expect(shownOnB).toBeLessThan(pause.breakpoint.offsetMs ?? 0);
  expect(syncs).toEqual([]);

  // Back online: the queue goes out, once, in order; B's row shows the offline stop.
  const backAt = Date.now();
  await a.context.unroute(cut);
  await a.context.setOffline(false);
  await expect(cardB).toHaveAttribute('data-offset-ms', String(stop.breakpoint.offsetMs), { timeout: 10_000 });
  const arrivedMs = Date.now() - backAt;
  await expect(a.page.getByTestId('offline-banner')).toBeHidden();
  await expect(a.page.getByTestId('pending-count')).toBeHidden();
  await expect(a.page.getByTestId('live-indicator')).toHaveAttribute('data-state', 'live');
  expect(await outboxItems(a.page)).toEqual([]);
  await a.page.waitForTimeout(2_500);
  const sent = syncs.flatMap((s) => s.reports);
  expect(sent.map((r) => r.reportId)).toEqual([pause.reportId, stop.reportId]);
  expect(sent.map((r) => r.event)).toEqual(['pause', 'stop']);
  expect(syncs).toHaveLength(1);

  const measured = { pauseMs: pause.breakpoint.offsetMs, stopMs: stop.breakpoint.offsetMs, seqs: [pause.seq, stop.seq], arrivedAfterOnlineMs: arrivedMs };
  testInfo.annotations.push({ type: 'measured', description: JSON.stringify(measured) });
  console.log('flow3 measured', measured);
});
