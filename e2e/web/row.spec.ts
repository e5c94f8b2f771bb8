/**
 * The row you can clean (docs/ARCHITECTURE.md §5): "Remove" takes a programme off Continue watching on
 * every terminal of the user, live, and it stays off after a reload — until it is played again.
 * Also: one card per programme, the other terminal's point one step away.
 */
import { card, createAccount, expect, openTerminal, playFromCatalogue, press, test } from '../fixtures.ts';

test('remove from row sticks until played again; one card per programme', async ({ browser, server }) => {
  const login = 'ola@example.com';
  await createAccount(server, login);
  const a = await openTerminal(browser, server, { login, name: 'Attic PC' });
  const b = await openTerminal(browser, server, { login, name: 'Basement PC' });

  // Both terminals leave a point: still one card, A's older point one step away.
  await playFromCatalogue(b.page, 'harbour-lights');
  await press(b.page, 'ArrowRight', 4);
  await b.page.keyboard.press('Escape');
  await expect(card(a.page, 'harbour-lights')).toHaveAttribute('data-terminal-name', 'Basement PC');
  await playFromCatalogue(a.page, 'harbour-lights');
  await press(a.page, 'ArrowRight', 3);
  await a.page.keyboard.press('Escape');
  await expect(card(b.page, 'harbour-lights')).toHaveAttribute('data-terminal-name', 'Attic PC');
  await expect(b.page.getByTestId('cw-card')).toHaveCount(1);
  await b.page.getByText('1 other device').click();
  await expect(b.page.getByRole('button', { name: /Resume from Basement PC/ })).toBeVisible();

  // Remove on B: gone on B and, live, on A; still gone after a reload.
  await card(b.page, 'harbour-lights').getByRole('button', { name: 'Remove Harbour Lights from Continue watching' }).click();
  await expect(card(b.page, 'harbour-lights')).toHaveCount(0);
  await expect(b.page.getByRole('status').getByText('was removed from Continue watching')).toBeVisible();
  await expect(card(a.page, 'harbour-lights')).toHaveCount(0);
  await a.page.reload();
  await expect(a.page.getByTestId('device-chip')).toHaveText('Attic PC');
  await expect(a.page.getByTestId('continue-empty')).toBeVisible();

  // Played again (from the start: its point was removed) past the resume minimum: back on the row.
  await playFromCatalogue(a.page, 'harbour-lights');
  expect(await a.page.evaluate(() => (window as unknown as { __playing: { t: number }[] }).__playing.at(-1)?.t)).toBeLessThan(1);
  await press(a.page, 'ArrowRight', 5);
  await a.page.keyboard.press('Escape');
  await expect(card(b.page, 'harbour-lights')).toBeVisible();
});
