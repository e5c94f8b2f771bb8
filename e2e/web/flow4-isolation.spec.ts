/**
 * Flow 4 — one user's terminals never see another user's history: a third user's terminal
 * keeps an empty Continue-watching row (and gets no push) while the first user's terminals
 * play, stop and see each other's points.
 */
import { card, createAccount, expect, openTerminal, playFromCatalogue, press, rowChanges, test, watchRow } from '../fixtures.ts';

test("a third user's terminal sees nothing of the others", async ({ browser, server }) => {
  await createAccount(server, 'dora@example.com');
  await createAccount(server, 'eve@example.com');
  const a = await openTerminal(browser, server, { login: 'dora@example.com', name: 'Dora PC' });
  const b = await openTerminal(browser, server, { login: 'dora@example.com', name: 'Dora phone', type: 'mobile' });
  const c = await openTerminal(browser, server, { login: 'eve@example.com', name: 'Eve PC' });
  await watchRow(c.page);

  for (const program of ['harbour-lights', 'dumpling-workshop']) {
    await playFromCatalogue(a.page, program);
    await press(a.page, 'ArrowRight', 5);
    await a.page.waitForTimeout(1_000);
    await a.page.keyboard.press('Escape');
    await expect(card(b.page, program)).toHaveAttribute('data-terminal-name', 'Dora PC');
  }
  await expect(card(a.page, 'harbour-lights')).toBeVisible();

  // Eve's terminal: still nothing, after a reload too.
  await c.page.waitForTimeout(1_500);
  await expect(c.page.getByTestId('continue-empty')).toBeVisible();
  expect(await rowChanges(c.page)).toEqual([]);
  await c.page.reload();
  await expect(c.page.getByTestId('device-chip')).toHaveText('Eve PC');
  await expect(c.page.getByTestId('continue-empty')).toBeVisible();
  await expect(c.page.getByTestId('cw-card')).toHaveCount(0);
});
