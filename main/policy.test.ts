/** The small policies: security decisions, kiosk keys, launch arguments, menu, app shell, pages. */
import { describe, expect, it, vi } from 'vitest';
import { shellFileFor } from './app-shell.ts';
import { parseLaunchArgs } from './args.ts';
import { isBlockedInKiosk, isKioskExitChord, kioskAtLaunch, KIOSK_CSS } from './kiosk.ts';
import { menuTemplate, serverStatusLabel } from './menu.ts';
import { statusPage } from './pages.ts';
import { translator } from '../common/i18n/bundled.ts';
import { checkServerUrl } from './platform-handlers.ts';
import { APP_CSP, isAllowedNavigation, isPermissionAllowed, isTrustedFrame, windowOpenDecision, withCsp } from './security.ts';
import type { ServerStatus } from '../common/ipc.ts';

const APP = 'http://127.0.0.1:8750';

describe('security policy', () => {
  it('keeps navigation inside the app origin', () => {
    expect(isAllowedNavigation(`${APP}/#/play/harbour-lights`, APP)).toBe(true);
    for (const url of ['https://evil.example/', 'http://127.0.0.1:8751/', 'file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,x', 'not a url']) {
      expect(isAllowedNavigation(url, APP)).toBe(false);
    }
    expect(isAllowedNavigation(`${APP}/`, null)).toBe(false);
  });

  it('never opens app windows; web links go to the system browser, other schemes nowhere', () => {
    expect(windowOpenDecision(`${APP}/#/x`, APP)).toEqual({ action: 'deny', openExternally: null });
    expect(windowOpenDecision('https://example.org/help', APP)).toEqual({ action: 'deny', openExternally: 'https://example.org/help' });
    expect(windowOpenDecision('file:///etc/passwd', APP)).toEqual({ action: 'deny', openExternally: null });
    expect(windowOpenDecision('smb://host/share', APP)).toEqual({ action: 'deny', openExternally: null });
  });

  it('adds the strict CSP to app responses that lack one, keeps the server’s own', () => {
    expect(withCsp({ 'Content-Type': ['text/html'] }, `${APP}/`, APP)).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': [APP_CSP] });
    const own = { 'content-security-policy': ["default-src 'self'"] };
    expect(withCsp(own, `${APP}/`, APP)).toBe(own);
    const other = { a: ['b'] };
    expect(withCsp(other, 'https://cdn.example/x.js', APP)).toBe(other);
    expect(APP_CSP).toContain("script-src 'self'");
    expect(APP_CSP).not.toContain('unsafe-eval');
    expect(APP_CSP).toContain("object-src 'none'");
  });

  it('grants only fullscreen and clipboard writes, only to the app', () => {
    expect(isPermissionAllowed('fullscreen', `${APP}/`, APP)).toBe(true);
    expect(isPermissionAllowed('clipboard-sanitized-write', `${APP}/`, APP)).toBe(true);
    for (const p of ['media', 'geolocation', 'notifications', 'openExternal', 'hid']) expect(isPermissionAllowed(p, `${APP}/`, APP)).toBe(false);
    expect(isPermissionAllowed('fullscreen', 'https://evil.example/', APP)).toBe(false);
  });

  it('trusts only frames of the app origin for the bridge', () => {
    expect(isTrustedFrame(`${APP}/#/home`, APP)).toBe(true);
    expect(isTrustedFrame('data:text/html,x', APP)).toBe(false);
    expect(isTrustedFrame(null, APP)).toBe(false);
    expect(isTrustedFrame(`${APP}/`, null)).toBe(false);
  });

  it('accepts only http(s) server URLs without credentials, as origins', () => {
    expect(checkServerUrl('http://192.168.1.5:8750/some/path')).toBe('http://192.168.1.5:8750');
    expect(checkServerUrl(null)).toBeNull();
    for (const bad of ['file:///x', 'javascript:alert(1)', 'http://user:pw@host/', 'nope']) expect(() => checkServerUrl(bad)).toThrow();
  });
});

describe('kiosk', () => {
  const key = (key: string, mods: Partial<{ control: boolean; alt: boolean; shift: boolean; meta: boolean }> = {}, type = 'keyDown') => ({
    type,
    key,
    control: false,
    alt: false,
    shift: false,
    meta: false,
    ...mods,
  });

  it('leaves only on Ctrl+Alt+Shift+Q key-down', () => {
    expect(isKioskExitChord(key('Q', { control: true, alt: true, shift: true }))).toBe(true);
    expect(isKioskExitChord(key('q', { control: true, alt: true, shift: true }, 'keyUp'))).toBe(false);
    expect(isKioskExitChord(key('q', { control: true, shift: true }))).toBe(false);
    expect(isKioskExitChord(key('Escape'))).toBe(false);
    expect(isKioskExitChord(key('q', { control: true, alt: true, shift: true, meta: true }))).toBe(false);
  });

  it('swallows reload and zoom shortcuts, lets remote-control keys through', () => {
    for (const k of [key('F5'), key('r', { control: true }), key('F11'), key('=', { control: true }), key('F12')]) expect(isBlockedInKiosk(k)).toBe(true);
    for (const k of [key('ArrowUp'), key('Enter'), key('Escape'), key('Backspace'), key('MediaPlayPause'), key(' ')]) expect(isBlockedInKiosk(k)).toBe(false);
  });

  it('starts from the flag or the setting; hides the cursor', () => {
    expect(kioskAtLaunch(false, false)).toBe(false);
    expect(kioskAtLaunch(true, false)).toBe(true);
    expect(kioskAtLaunch(false, true)).toBe(true);
    expect(KIOSK_CSS).toContain('cursor: none !important');
  });
});

describe('launch arguments', () => {
  it('finds our flags among Electron’s and a test driver’s', () => {
    const a = parseLaunchArgs(['/usr/bin/electron', '/app', '--inspect=0', '--remote-debugging-port=0', '--kiosk', '--server-url=http://10.0.0.2:8750/x', '--data-dir', '/tmp/ra', '--config=/etc/tv.json'], {});
    expect(a).toEqual({ kiosk: true, serverUrl: 'http://10.0.0.2:8750', dataDir: '/tmp/ra', noLan: false, configFile: '/etc/tv.json', supervised: false, warnings: [] });
  });

  it('reads the environment, and warns about a bad server URL instead of failing', () => {
    expect(parseLaunchArgs(['/app'], { RA_KIOSK: '1', RA_APP_DATA: '/d', RA_SUPERVISED: '1' })).toMatchObject({ kiosk: true, dataDir: '/d', supervised: true });
    const bad = parseLaunchArgs(['/app', '--server-url=file:///etc'], {});
    expect(bad.serverUrl).toBeNull();
    expect(bad.warnings[0]).toMatch(/--server-url ignored/);
  });
});

describe('menu', () => {
  const status: ServerStatus = { mode: 'embedded', state: 'running', url: APP, lanUrls: ['http://192.168.1.5:8750'], error: null };
  const actions = { copyText: vi.fn(), setKioskAtStart: vi.fn(), enterKioskNow: vi.fn(), setLanAccess: vi.fn(), openDataFolder: vi.fn(), openServerLog: vi.fn(), openLogFolder: vi.fn(), setStartOnBoot: vi.fn(), addLibraryFolder: vi.fn() };
  const more = { startOnBoot: false, logFolder: '/home/u/.config/Resume Anywhere/logs', provisioned: false, t: translator('en') };

  it('has the standard roles and the household status', () => {
    const t = menuTemplate({ isMac: false, appName: 'Resume Anywhere', server: status, kioskAtStart: false, lanAccess: true, ...more, actions });
    expect(t.map((i) => i.role ?? i.label)).toEqual(['fileMenu', 'editMenu', 'viewMenu', 'Household', 'windowMenu', 'help']);
    const mac = menuTemplate({ isMac: true, appName: 'Resume Anywhere', server: status, kioskAtStart: false, lanAccess: true, ...more, actions });
    expect(mac[0]?.role).toBe('appMenu');
    const household = t[3]?.submenu as { label?: string; click?: (item: { checked: boolean }) => void }[];
    expect(household.map((i) => i.label)).toContain('TVs and phones open: http://192.168.1.5:8750');
    household.find((i) => i.label?.startsWith('Copy'))?.click?.({ checked: false });
    expect(actions.copyText).toHaveBeenCalledWith('http://192.168.1.5:8750');
    household.find((i) => i.label?.startsWith('Start in Set-top'))?.click?.({ checked: true });
    expect(actions.setKioskAtStart).toHaveBeenCalledWith(true);
    household.find((i) => i.label === 'Start When I Log In')?.click?.({ checked: true });
    expect(actions.setStartOnBoot).toHaveBeenCalledWith(true);
    // Help shows where the log files are.
    const help = t[5]?.submenu as { label?: string; click?: () => void }[];
    expect(help.map((i) => i.label)).toContain('Logs: /home/u/.config/Resume Anywhere/logs');
    help.find((i) => i.label === 'Open Log Folder')?.click?.();
    expect(actions.openLogFolder).toHaveBeenCalled();
  });

  it('says that only this PC can open the household server while LAN access is off', () => {
    const local: ServerStatus = { ...status, lanUrls: [] };
    const t = menuTemplate({ isMac: false, appName: 'Resume Anywhere', server: local, kioskAtStart: false, lanAccess: false, ...more, actions });
    const labels = (t[3]?.submenu as { label?: string; enabled?: boolean }[]).map((i) => [i.label, i.enabled]);
    expect(labels).toContainEqual(['Only this PC can open it (LAN access is off)', false]);
    expect(labels).toContainEqual(['Copy the Address for a TV or Phone', false]);
  });

  it('says what the server is doing', () => {
    const t = translator('en');
    expect(serverStatusLabel(status, t)).toBe(`Household server: running at ${APP}`);
    expect(serverStatusLabel({ ...status, state: 'failed', error: 'EADDRINUSE' }, t)).toMatch(/failed — EADDRINUSE/);
    expect(serverStatusLabel({ ...status, mode: 'remote', url: 'https://tv.example' }, t)).toBe('Server: https://tv.example (remote)');
    expect(serverStatusLabel({ ...status, mode: 'remote', url: null }, t)).toBe('Server: remote');
  });

  it('speaks Simplified Chinese from the same catalogues, with no English label left', () => {
    const zh = menuTemplate({ isMac: false, appName: 'Resume Anywhere', server: status, kioskAtStart: false, lanAccess: true, ...more, t: translator('zh-CN'), actions });
    expect(zh[3]?.label).toBe('家庭');
    const labels = [...(zh[3]?.submenu as { label?: string }[]), ...(zh[5]?.submenu as { label?: string }[])].map((i) => i.label).filter((l): l is string => !!l);
    expect(labels).toContain('电视和手机打开：http://192.168.1.5:8750');
    expect(labels).toContain(`家庭服务器：运行中，地址 ${APP}`);
    expect(labels).toContain('允许这个网络中的电视和手机加入');
    // Once URLs, paths and the key chord are taken out, no Latin word remains.
    for (const l of labels) expect(l.replace(more.logFolder, '').replace(/https?:\/\/\S+|Ctrl\+Alt\+Shift\+Q/g, '')).not.toMatch(/[A-Za-z]{3,}/);
  });
});

describe('app shell (remote mode, offline start)', () => {
  const files = new Set(['/web/index.html', '/web/assets/index-abc.js', '/web/assets/index-abc.css']);
  const exists = (p: string) => files.has(p);
  const remote = 'https://tv.example';

  it('answers the shell from the packaged renderer', () => {
    expect(shellFileFor('GET', `${remote}/`, remote, '/web', exists)).toEqual({ path: '/web/index.html', contentType: 'text/html; charset=utf-8' });
    expect(shellFileFor('GET', `${remote}/assets/index-abc.js`, remote, '/web', exists)?.contentType).toMatch(/javascript/);
  });

  it('sends everything else to the network', () => {
    expect(shellFileFor('GET', `${remote}/api/v1/me`, remote, '/web', exists)).toBeNull();
    expect(shellFileFor('POST', `${remote}/`, remote, '/web', exists)).toBeNull();
    expect(shellFileFor('GET', `${remote}/media/a.mpd`, remote, '/web', exists)).toBeNull();
    expect(shellFileFor('GET', 'https://other.example/', remote, '/web', exists)).toBeNull();
    expect(shellFileFor('GET', `${remote}/assets/..%2F..%2Fetc%2Fpasswd`, remote, '/web', () => true)).toBeNull();
  });
});

describe('status pages', () => {
  it('escape their text and allow no script', () => {
    const html = decodeURIComponent(statusPage('Oops <b>', ['<script>alert(1)</script>']).replace(/^data:text\/html;charset=utf-8,/, ''));
    expect(html).not.toContain('<script>');
    expect(html).toContain('&#60;script&#62;');
    expect(html).toContain("default-src 'none'");
  });

  it('carry the language they are written in', () => {
    const html = decodeURIComponent(statusPage('正在启动家庭服务器…', ['随心续播'], 'zh-CN'));
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('<h1>正在启动家庭服务器…</h1>');
  });
});
