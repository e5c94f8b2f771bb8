/**
 * Home while it loads (issue 18: "skeleton cards instead of an empty page while the home page
 * loads"): the first home page of a new terminal is held at the network; meanwhile the desktop
 * (and then the TV) shows grey cards and tiles in the page's own layout, busy for assistive
 * technology; once the page arrives, the real cards replace them.
 */
import type { Page, Route } from '@playwright/test';
import { createAccount, expect, linkTv, openTerminal, test } from '../fixtures.ts';

/** Hold every home-page request of `page`'s context until the returned release is called. */
async function holdHome(page: Page): Promise<() => void> {
  const held: Route[] = [];
  let released = false;
  await page.context().route(/\/portal\/v[12]\/home/, (route) => {
    if (released) void route.continue();
    else held.push(route);
  });
  return () => {
    released = true;
    for (const r of held.splice(0)) void r.continue();
  };
}

/** The skeleton is on screen with grey items, and busy. */
async function expectSkeleton(page: Page, minItems: number): Promise<void> {
  const skeleton = page.getByTestId('home-skeleton');
  await expect(skeleton).toBeVisible();
  await expect(skeleton).toHaveAttribute('aria-busy', 'true');
  expect(await skeleton.locator('.skeleton-item').count()).toBeGreaterThanOrEqual(minItems);
  // Grey blocks with a size, not an empty page.
  const box = await skeleton.locator('.skeleton-item .skeleton-art').first().boundingBox();
  expect(box?.width ?? 0).toBeGreaterThan(100);
  expect(box?.height ?? 0).toBeGreaterThan(50);
}

test('home shows skeleton cards while its first page loads (desktop, then TV)', async ({ browser, server }) => {
  test.setTimeout(180_000);
  const login = 'skeleton@example.com';
  await createAccount(server, login);

  // Desktop: sign in, name the terminal with home held back.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(server.url);
  await page.locator('input[name=username]').fill(login);
  await page.locator('input[name=password]').fill('correct-horse-1');
  await page.locator('form button[type=submit]').click();
  await expect(page.locator('input[name=terminal-type][value=pc]')).toBeChecked();
  const release = await holdHome(page);
  await page.locator('form input:not([type=radio])').fill('Study PC');
  await page.locator('form button[type=submit]').click();
  await expectSkeleton(page, 6);
  await expect(page.locator('[data-testid=tile]')).toHaveCount(0);
  release();
  await expect(page.locator('[data-testid=tile]').first()).toBeVisible();
  await expect(page.getByTestId('home-skeleton')).toHaveCount(0);

  // TV: linked from a PC while its first home is held.
  const pc = await openTerminal(browser, server, { login, name: 'Desk PC' });
  let releaseTv: () => void = () => undefined;
  // (linkTv waits for the TV's home screen: its header, with the skeleton below.)
  const tv = await linkTv(browser, server, pc, 'Living-room TV', undefined, 'en-GB', async (linking) => {
    releaseTv = await holdHome(linking);
  });
  await expectSkeleton(tv, 6);
  releaseTv();
  await expect(tv.locator('[data-testid=tile]').first()).toBeVisible();
  await expect(tv.getByTestId('home-skeleton')).toHaveCount(0);
});
