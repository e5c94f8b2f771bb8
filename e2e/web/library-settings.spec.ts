/**
 * Settings → Library in Chromium. In the PC app the page reaches the library through the
 * Electron bridge (main holds the admin token). Electron cannot run here, so ONLY THE BRIDGE IS
 * FAKED: an init script puts a `window.raBridge` in the page whose platform methods keep their
 * data in localStorage and whose `library…` methods call the real server's real admin API, as
 * main/library.ts does (the test hands the fake the admin token; the real app never gives it to
 * the page). The server, its library, ffmpeg packaging and the admin API are real. A plain
 * browser (no bridge) is told where the library is managed.
 */
import { mkdtempSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { h264TwoLanguages } from '../../server-mock/library/test-media.ts';
import { createAccount, expect, openTerminal, signIn, nameTerminal, test } from '../fixtures.ts';

const FOLDER = mkdtempSync(join(tmpdir(), 'ra-e2e-libset-'));
test.beforeAll(async () => {
  await h264TwoLanguages(join(FOLDER, 'Two Voices.mp4'), 4);
});
test.afterAll(async () => rm(FOLDER, { recursive: true, force: true }));

/** The fake Electron bridge (runs in the page before the app). */
function fakeBridge({ token, folder }: { token: string; folder: string }) {
  const ls = window.localStorage;
  const get = (k: string, d: unknown) => JSON.parse(ls.getItem(`fake:${k}`) ?? JSON.stringify(d)) as unknown;
  const set = (k: string, v: unknown) => ls.setItem(`fake:${k}`, JSON.stringify(v));
  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(path, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
    if (res.status === 204) return undefined;
    const json = (await res.json()) as { code?: string; message?: string };
    if (!res.ok) throw new Error(`${json.code}: ${json.message}`);
    return json;
  };
  const settings = () => ({ language: null, mode: null, serverUrl: null, muted: false, ...(get('settings', {}) as object) });
  (window as unknown as { raBridge: unknown }).raBridge = {
    info: async () => ({ kind: 'electron', launchMode: 'desktop', languages: [...navigator.languages], appVersion: '0.1.0', defaultServerUrl: location.origin }),
    loadIdentity: async () => get('identity', null),
    saveIdentity: async (i: unknown) => set('identity', i),
    loadSettings: async () => settings(),
    saveSettings: async (p: object) => {
      set('settings', { ...settings(), ...p });
      return settings();
    },
    outboxLoad: async () => get('outbox', []),
    outboxAppend: async (_n: string, e: unknown) => set('outbox', [...(get('outbox', []) as unknown[]), e]),
    outboxRemove: async (_n: string, seqs: number[]) => set('outbox', (get('outbox', []) as { seq: number }[]).filter((e) => !seqs.includes(e.seq))),
    cacheGet: async (k: string) => get(`cache:${k}`, null),
    cacheSet: async (k: string, v: unknown) => set(`cache:${k}`, v),
    nextSeq: async (atLeast = 0) => {
      const n = Math.max(Number(get('seq', 0)), atLeast) + 1;
      set('seq', n);
      return n;
    },
    onLifecycle: () => () => undefined,
    libraryOverview: async () => {
      const [s, p, m] = (await Promise.all([admin('GET', '/admin/v1/library'), admin('GET', '/admin/v1/library/programs'), admin('GET', '/admin/v1/library/media')])) as [object, { programs: unknown[] }, { programs: unknown[] }];
      return { ...s, programs: p.programs, missingMedia: m.programs };
    },
    // The native dialog "picks" the test's folder.
    libraryAddFolders: async () => [((await admin('POST', '/admin/v1/library/folders', { path: folder })) as { path: string }).path],
    libraryRemoveFolder: async (path: string) => admin('DELETE', `/admin/v1/library/folders?path=${encodeURIComponent(path)}`),
    libraryScan: async (o: object) => admin('POST', '/admin/v1/library/scan', o),
    libraryEditProgram: async (id: string, edits: object) => admin('PATCH', `/admin/v1/library/programs/${encodeURIComponent(id)}`, edits),
  };
}

test('PC app (fake bridge, real server): add a folder, watch the job finish, edit the programme, remove the folder', async ({ browser, server }) => {
  test.setTimeout(180_000);
  await createAccount(server, 'lib@example.com');
  const token = (await readFile(join(server.dataDir, 'admin-token'), 'utf8')).trim();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.addInitScript(fakeBridge, { token, folder: FOLDER });
  await page.goto(server.url);
  await signIn(page, { login: 'lib@example.com' });
  await nameTerminal(page, 'Study PC', 'pc');
  await page.goto(`${server.url}/#/settings`);
  const lib = page.getByTestId('library-settings');
  await expect(lib.getByRole('heading', { name: '媒体库' })).toBeVisible();
  await expect(lib).toContainText('还没有文件夹');
  await lib.getByRole('button', { name: '添加文件夹…' }).click();
  await expect(lib.getByTestId('library-folders')).toContainText(FOLDER);
  // The job runs (packaging with progress, or already done on a fast machine) and ends ready.
  await expect(lib.getByTestId('library-jobs').locator('li[data-state=ready]')).toHaveCount(1, { timeout: 120_000 });
  await expect(lib.getByTestId('library-programs')).toContainText('Two Voices');
  const scan = await new AxeBuilder({ page }).include('[data-testid=library-settings]').analyze();
  expect(scan.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);

  await lib.getByRole('button', { name: '编辑 Two Voices' }).click();
  await lib.getByLabel('标题').fill('两种声音');
  await lib.getByLabel('简介（简体中文）').fill('一部有两种语言的短片。');
  await lib.getByLabel('年龄分级').selectOption('12');
  await lib.getByRole('checkbox', { name: '手机' }).uncheck();
  await lib.getByRole('button', { name: '保存' }).click();
  await expect(lib.getByTestId('library-programs')).toContainText('两种声音');
  const res = await fetch(`${server.url}/admin/v1/library/programs`, { headers: { authorization: `Bearer ${token}` } });
  const [prog] = ((await res.json()) as { programs: { program: { title: string; synopses?: Record<string, string>; ageRating?: number; terminalTypes: string[] } }[] }).programs;
  expect(prog?.program).toMatchObject({ title: '两种声音', ageRating: 12, synopses: { 'zh-CN': '一部有两种语言的短片。' } });
  expect(prog?.program.terminalTypes).not.toContain('mobile');

  await lib.getByRole('button', { name: `停止监视 ${FOLDER}` }).click();
  await expect(lib).toContainText('还没有文件夹');
  // Its programme is withdrawn, and listed as such (its viewing records stay until they age out).
  await expect(lib.getByTestId('library-withdrawn')).toHaveText('已下架：文件已被移除。观看记录保留至过期；重新添加该文件即可恢复。');
  await context.close();
});

test('a plain browser says the library is managed from the PC app or the admin API', async ({ browser, server }) => {
  await createAccount(server, 'web@example.com');
  const t = await openTerminal(browser, server, { name: 'Browser', login: 'web@example.com' });
  await t.page.goto(`${server.url}/#/settings`);
  await expect(t.page.getByTestId('library-settings')).toContainText('managed from the PC app');
  await t.context.close();
});
