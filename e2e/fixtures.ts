/**
 * Playwright fixtures of the web-terminal suites: a real server-mock per test (fresh data dir,
 * free port, 2 s heartbeats, serving the built renderer and the sample media), and helpers that
 * drive terminals the way a person does — through the UI. Accounts may be created through the
 * API to save time; playback and the row are always driven through the UI.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, type Browser, type BrowserContext, type BrowserContextOptions, type Locator, type Page, type TestInfo } from '@playwright/test';
import { spawnServer, type ServerProcess } from '../server-mock/testing/process.ts';

/** A running server-mock. */
export interface Server {
  url: string;
  dataDir: string;
  process: ServerProcess;
}

/** Heartbeat interval the test servers tell terminals to use (seconds). */
export const HEARTBEAT_SEC = 2;

/**
 * Playwright's test with a fresh server-mock per test (`server`). `serverArgs` adds flags, e.g.
 * `test.use({ serverArgs: ['--library', dir] })` for a spec that needs a media library folder.
 */
export const test = base.extend<{ server: Server; serverArgs: string[] }>({
  serverArgs: [[], { option: true }],
  server: async ({ browser, serverArgs }, use) => {
    const dataDir = await mkdtemp(join(tmpdir(), 'ra-e2e-'));
    // Open registration: specs create several accounts beside the seeded demo account (the owner).
    const proc = await spawnServer(['--port', '0', '--data', dataDir, '--log-level', 'warn', '--heartbeat-interval-sec', String(HEARTBEAT_SEC), '--open-registration', 'true', ...serverArgs]);
    await use({ url: proc.url, dataDir, process: proc });
    // Terminals first: a server does not finish a graceful shutdown while push streams are open.
    await Promise.all(browser.contexts().map((c) => c.close().catch(() => undefined)));
    await Promise.race([proc.stop(), new Promise((resolve) => setTimeout(resolve, 5_000))]);
    await proc.kill();
    await rm(dataDir, { recursive: true, force: true });
  },
});
/** Playwright's expect. */
export { expect };

/** Create an account through the API. */
export async function createAccount(server: Server, login: string, password = 'correct-horse-1', displayName?: string): Promise<void> {
  const res = await fetch(`${server.url}/api/v1/accounts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login, password, ...(displayName ? { displayName } : {}) }),
  });
  if (res.status !== 201) throw new Error(`account ${login}: ${res.status} ${await res.text()}`);
}

/** What a terminal is, for `openTerminal`. */
export interface TerminalSpec {
  login: string;
  password?: string;
  name: string;
  /** `?type=` of the page (the name step proposes it). */
  type?: 'pc' | 'mobile' | 'stb';
  /** Create the account through the UI instead of signing in. */
  registerViaUi?: boolean;
  context?: BrowserContextOptions;
}

/** A terminal: its browser context and page, on its home screen. */
export interface Terminal {
  context: BrowserContext;
  page: Page;
}

/**
 * Records every `playing` of any media element (time and currentTime) from the first
 * document on, so a test can read where playback really started.
 */
export const PLAYING_PROBE = () => {
  const w = window as unknown as { __playing: { at: number; t: number }[] };
  w.__playing = [];
  document.addEventListener(
    'playing',
    (e) => {
      const v = e.target as HTMLMediaElement;
      w.__playing.push({ at: Date.now(), t: v.currentTime });
    },
    true,
  );
};

/** Open a new terminal (browser context), sign in (or register) and name it through the UI. */
export async function openTerminal(browser: Browser, server: Server, spec: TerminalSpec): Promise<Terminal> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...spec.context });
  const page = await context.newPage();
  page.on('pageerror', (err) => console.log(`[${spec.name}] page error: ${err.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') console.log(`[${spec.name}] console error: ${m.text()} ${m.location().url}`);
  });
  await page.addInitScript(PLAYING_PROBE);
  await page.goto(`${server.url}/${spec.type ? `?type=${spec.type}` : ''}`);
  await signIn(page, spec);
  await nameTerminal(page, spec.name, spec.type ?? 'pc');
  return { context, page };
}

/** The sign-in (or create-account) step. Selectors are language-independent. */
export async function signIn(page: Page, spec: Pick<TerminalSpec, 'login' | 'password' | 'registerViaUi'>): Promise<void> {
  if (spec.registerViaUi) await page.getByRole('tab').nth(1).click();
  await page.locator('input[name=username]').fill(spec.login);
  await page.locator('input[name=password]').fill(spec.password ?? 'correct-horse-1');
  await page.locator('form button[type=submit]').click();
}

/** The name-this-terminal step; waits for home. */
export async function nameTerminal(page: Page, name: string, type: 'pc' | 'mobile' | 'stb'): Promise<void> {
  const typeRadio = page.locator(`input[name=terminal-type][value=${type}]`);
  await expect(typeRadio).toBeChecked();
  const nameInput = page.locator('form input:not([type=radio])');
  await nameInput.fill(name);
  await page.locator('form button[type=submit]').click();
  await expect(page.getByTestId('device-chip')).toHaveText(name);
  await expect(page.locator('.live-dot:not(.off)')).toBeVisible();
}

/** The Continue-watching card of a programme. */
export function card(page: Page, programId: string): Locator {
  return page.locator(`[data-testid=cw-card][data-program-id="${programId}"]`);
}

/** Wait until the player plays (ready, not paused, time moving). */
export async function waitPlaying(page: Page): Promise<void> {
  await expect(page.getByTestId('player')).toHaveAttribute('data-status', 'ready', { timeout: 20_000 });
  await expect(page.getByTestId('player')).toHaveAttribute('data-paused', 'false');
  const t0 = await videoTime(page);
  await expect.poll(() => videoTime(page), { timeout: 10_000 }).toBeGreaterThan(t0);
}

/** The <video>'s currentTime. */
export function videoTime(page: Page): Promise<number> {
  return page.locator('video').evaluate((v: HTMLVideoElement) => v.currentTime);
}

/** Where playback first started on this page (currentTime at the first `playing`). */
export async function firstPlaying(page: Page): Promise<{ at: number; t: number }> {
  await expect.poll(() => page.evaluate(() => (window as unknown as { __playing: unknown[] }).__playing.length), { timeout: 20_000 }).toBeGreaterThan(0);
  return page.evaluate(() => (window as unknown as { __playing: { at: number; t: number }[] }).__playing[0] as { at: number; t: number });
}

/** Forget earlier `playing` records (before resuming on the same page). */
export function resetPlayingProbe(page: Page): Promise<void> {
  return page.evaluate(() => {
    (window as unknown as { __playing: unknown[] }).__playing = [];
  });
}

/** Press a key `n` times, a little apart (each seek is its own report). */
export async function press(page: Page, key: string, n = 1): Promise<void> {
  for (let i = 0; i < n; i++) {
    await page.keyboard.press(key);
    await page.waitForTimeout(120);
  }
}

/** The reports waiting in a web terminal's outbox (read from its storage). */
export function outboxItems(page: Page): Promise<{ seq: number; event: string; reportId: string; breakpoint: { offsetMs?: number; epochMs?: number } }[]> {
  return page.evaluate(() =>
    Object.keys(localStorage)
      .filter((k) => k.startsWith('ra.outbox.reports.'))
      .map((k) => JSON.parse(localStorage.getItem(k) as string) as { seq: number; item: { seq: number; event: string; reportId: string; breakpoint: { offsetMs?: number } } })
      .sort((a, b) => a.seq - b.seq)
      .map((e) => e.item),
  );
}

/** Start playing `title` from its catalogue tile; waits until it plays. */
export async function playFromCatalogue(page: Page, programId: string): Promise<void> {
  await page.locator(`[data-testid=tile][data-program-id="${programId}"] button`).click();
  await waitPlaying(page);
}

/** One observed state of a Continue-watching card. */
export interface CardChange {
  /** Epoch ms (the machine's clock, shared by every browser context and the test). */
  at: number;
  programId: string;
  terminalName: string;
  offsetMs: number | null;
  epochMs: number | null;
}

/** Start recording every change of the Continue-watching cards of a page (MutationObserver). */
export function watchRow(page: Page): Promise<void> {
  return page.evaluate(() => {
    const w = window as unknown as { __row: unknown[] };
    w.__row = [];
    const seen = new Map<string, string>();
    const scan = () => {
      for (const el of document.querySelectorAll<HTMLElement>('[data-testid=cw-card]')) {
        const d = el.dataset;
        const key = `${d.terminalName}|${d.offsetMs ?? ''}|${d.epochMs ?? ''}`;
        if (seen.get(d.programId ?? '') === key) continue;
        seen.set(d.programId ?? '', key);
        w.__row.push({
          at: Date.now(),
          programId: d.programId,
          terminalName: d.terminalName,
          offsetMs: d.offsetMs ? Number(d.offsetMs) : null,
          epochMs: d.epochMs ? Number(d.epochMs) : null,
        });
      }
    };
    scan();
    new MutationObserver(scan).observe(document.body, { subtree: true, childList: true, attributes: true });
  });
}

/** The card changes recorded since `watchRow`. */
export function rowChanges(page: Page): Promise<CardChange[]> {
  return page.evaluate(() => (window as unknown as { __row: CardChange[] }).__row);
}

/** Keep a screenshot as a test artifact: a file under test-results/ and an attachment of the report. */
export async function keepScreenshot(testInfo: TestInfo, name: string, body: Buffer): Promise<void> {
  const path = testInfo.outputPath(name);
  await writeFile(path, body);
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

/** A user code as the TV shows it (RFC 8628: consonants only, `XXXX-XXXX`). */
export const USER_CODE_SHAPE = /^[B-DF-HJ-NP-TV-XZ]{4}-[B-DF-HJ-NP-TV-XZ]{4}$/;

/**
 * Open a TV from a cold start: the web terminal in TV mode (`?mode=tv`) on a 1080p screen with
 * nothing stored; it shows its link screen with a code. Driven by keys only from here on.
 */
export async function openTv(browser: Browser, server: Pick<Server, 'url'>, locale = 'en-GB'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale });
  const page = await context.newPage();
  page.on('pageerror', (err) => console.log(`[TV] page error: ${err.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') console.log(`[TV] console error: ${m.text()} ${m.location().url}`);
  });
  await page.addInitScript(PLAYING_PROBE);
  await page.goto(`${server.url}/?mode=tv`);
  await expect(page.getByTestId('tv-link')).toBeVisible();
  await expect(page.getByTestId('tv-user-code')).toHaveText(USER_CODE_SHAPE);
  return page;
}

/**
 * Cold-start a TV and link it from the PC's link page; returns the TV on its home screen.
 * `onLinkScreen` looks at the link screen first (else, given `testInfo`, a screenshot is kept).
 */
export async function linkTv(browser: Browser, server: Server, pc: Terminal, name: string, testInfo?: TestInfo, locale = 'en-GB', onLinkScreen?: (tv: Page) => Promise<void>): Promise<Page> {
  const tv = await openTv(browser, server, locale);
  if (onLinkScreen) await onLinkScreen(tv);
  else if (testInfo) await keepScreenshot(testInfo, 'tv-1080p-link.png', await tv.screenshot());
  const code = await tvCode(tv);
  await pc.page.evaluate(() => {
    window.location.hash = '#/link';
  });
  await enterLinkCode(pc.page, code, name);
  await expect(pc.page.getByTestId('link-done')).toBeVisible();
  // The TV polls at the server's interval (5 s) and then shows home.
  await expect(tv.getByTestId('tv-home')).toBeVisible({ timeout: 15_000 });
  await expect(tv.getByTestId('device-chip')).toHaveText(name);
  await pc.page.evaluate(() => {
    window.location.hash = '#/';
  });
  return tv;
}

/** The code a TV's link screen shows. */
export async function tvCode(tv: Page): Promise<string> {
  return (await tv.getByTestId('tv-user-code').textContent()) ?? '';
}

/** On the link page (`#/link`), type a code as a person does (lower case, no dash) and send it. */
export async function enterLinkCode(page: Page, code: string, name = ''): Promise<void> {
  // Selectors that work in every interface language.
  const input = page.getByTestId('link-code');
  await input.fill('');
  await input.pressSequentially(code.replace('-', '').toLowerCase());
  await expect(input).toHaveValue(code);
  if (name) await page.locator('input[name=tv-name]').fill(name);
  await input.press('Enter');
}

/** The `data-focus-key` of what has focus on a TV (a card `cw:<id>`, a tile `cat:<id>`, …). */
export function tvFocus(tv: Page): Promise<string | null> {
  return tv.evaluate(() => document.activeElement?.getAttribute('data-focus-key') ?? null);
}

/**
 * Dispatch a remote key the way a TV platform sends it: a keydown (and keyup) with that `key`
 * and legacy `keyCode` (Tizen's Back is 10009, webOS's 461), which `keyboard.press` cannot do.
 */
export function dispatchRemoteKey(page: Page, key: string, keyCode: number): Promise<void> {
  return page.evaluate(
    ([k, code]) => {
      for (const type of ['keydown', 'keyup']) {
        const e = new KeyboardEvent(type, { key: k, bubbles: true, cancelable: true });
        Object.defineProperty(e, 'keyCode', { get: () => code });
        Object.defineProperty(e, 'which', { get: () => code });
        (document.activeElement ?? document.body).dispatchEvent(e);
      }
    },
    [key, keyCode] as const,
  );
}

/**
 * English words left on a page meant to be in Chinese: visible text, and the accessible names,
 * titles, placeholders and alternative texts of visible elements, less `allowed` strings (user
 * data such as a login, a server URL, a language's own name).
 */
export function englishLeft(page: Page, allowed: readonly string[] = []): Promise<string[]> {
  return page.evaluate((allow) => {
    const found = new Set<string>();
    const check = (text: string | null | undefined, where: Element) => {
      let t = text ?? '';
      for (const a of allow) t = t.split(a).join(' ');
      for (const m of t.matchAll(/[A-Za-z][A-Za-z'’]+/g)) found.add(`${m[0]} (${where.tagName.toLowerCase()}${where.id ? '#' + where.id : ''}: “${(text ?? '').trim().slice(0, 60)}”)`);
    };
    const visible = (el: Element) => el instanceof HTMLOptionElement || (el as HTMLElement).checkVisibility?.({ checkOpacity: true, checkVisibilityCSS: true }) !== false;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || el.closest('script, style, noscript, [hidden]') || !visible(el)) continue;
      // Screen-reader-only text counts too (it is read aloud): .sr-only is visible to this check.
      check(n.textContent, el);
    }
    for (const el of document.body.querySelectorAll('[aria-label], [title], [placeholder], img[alt]')) {
      if (!visible(el)) continue;
      for (const attr of ['aria-label', 'title', 'placeholder', 'alt']) if (el.hasAttribute(attr)) check(el.getAttribute(attr), el);
    }
    return [...found];
  }, allowed);
}

/**
 * Wait until the page's finite animations and transitions (entrance fades, a focused item
 * growing) have finished; endless ones (spinners, the live dot's pulse) are left running.
 */
export async function settled(page: Page): Promise<void> {
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((a) => Number.isFinite(a.effect?.getComputedTiming().endTime ?? Infinity))
        .map((a) => a.finished.catch(() => undefined)),
    ),
  );
}

/** No serious or critical accessibility violations (axe-core) on the page as it is now. */
export async function expectAccessible(page: Page): Promise<void> {
  // axe measures colour contrast with the opacity of the moment, so a scan mid-fade (a dialog
  // rising from opacity 0) reports text that is fine once it is on screen.
  await settled(page);
  const { violations } = await new AxeBuilder({ page }).analyze();
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}
