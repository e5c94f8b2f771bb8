import { describe, expect, it, vi } from 'vitest';
import { AppError } from '../common/errors.ts';
import { INVOKE_METHODS, invokeChannel } from '../common/ipc.ts';
import { DEFAULT_SETTINGS } from '../common/platform.ts';
import { createIpcRouter, registerIpc, type IpcHandlers, type IpcMainLike, type InvokeEventLike } from './ipc-router.ts';
import { memoryLogger } from './log.ts';

const APP = 'http://127.0.0.1:8750';
const ctx = { senderId: 1, senderUrl: `${APP}/#/home` };

function handlers(overrides: Partial<IpcHandlers> = {}): IpcHandlers {
  const base: IpcHandlers = {
    info: () => ({ kind: 'electron', launchMode: 'desktop', languages: ['en'], appVersion: '0.1.0', defaultServerUrl: APP }),
    loadIdentity: () => null,
    saveIdentity: () => undefined,
    loadSettings: () => DEFAULT_SETTINGS,
    saveSettings: (_c, patch) => ({ ...DEFAULT_SETTINGS, ...patch }),
    outboxLoad: () => [],
    outboxAppend: () => undefined,
    outboxRemove: () => undefined,
    cacheGet: () => null,
    cacheSet: () => undefined,
    nextSeq: (_c, ...a) => (a[0] ?? 0) + 1,
    lifecycleDone: () => undefined,
    reportPlayback: () => undefined,
    serverStatus: () => ({ mode: 'embedded', state: 'running', url: APP, lanUrls: [], error: null }),
    libraryOverview: () => ({ folders: [], files: [], concurrency: 1, programs: [], missingMedia: [] }),
    libraryAddFolders: () => [],
    libraryRemoveFolder: () => undefined,
    libraryScan: () => undefined,
    libraryEditProgram: () => {
      throw new Error('not in this test');
    },
  };
  return { ...base, ...overrides };
}

function router(h = handlers()) {
  const log = memoryLogger();
  return { log, r: createIpcRouter({ handlers: h, log, isTrustedSender: (url) => url?.startsWith(`${APP}/`) ?? false }) };
}

describe('IPC router', () => {
  it('answers a valid call with an ok envelope', async () => {
    const { r } = router();
    expect(await r.handle('ra:nextSeq', [41], ctx)).toEqual({ ok: true, value: 42 });
    expect(await r.handle('ra:saveSettings', [{ mode: 'tv' }], ctx)).toEqual({ ok: true, value: { ...DEFAULT_SETTINGS, mode: 'tv' } });
  });

  it('refuses an unknown channel with VALIDATION_FAILED and logs it', async () => {
    const { r, log } = router();
    for (const channel of ['ra:exec', 'ra:__proto__', 'electron-store-get-data']) {
      expect(await r.handle(channel, [], ctx)).toEqual({ ok: false, error: { code: 'VALIDATION_FAILED', message: 'Unknown IPC channel' } });
    }
    expect(log.lines.filter((l) => l.level === 'warn' && /unknown channel/.test(l.message))).toHaveLength(3);
  });

  it('refuses a malformed payload before the handler runs', async () => {
    const spy = vi.fn(() => undefined);
    const { r, log } = router(handlers({ saveIdentity: spy }));
    const reply = await r.handle('ra:saveIdentity', [{ terminalId: 'nope' }], ctx);
    expect(reply).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(JSON.stringify(reply)).toContain('problems');
    expect(await r.handle('ra:nextSeq', 'not a tuple', ctx)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await r.handle('ra:outboxLoad', ['secrets'], ctx)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(spy).not.toHaveBeenCalled();
    expect(log.lines.some((l) => /malformed ra:saveIdentity/.test(l.message))).toBe(true);
  });

  it('refuses frames of another origin (or a gone frame) with FORBIDDEN', async () => {
    const { r } = router();
    for (const senderUrl of ['https://evil.example/', 'data:text/html,hi', 'file:///etc/passwd', null]) {
      expect(await r.handle('ra:loadIdentity', [], { senderId: 1, senderUrl })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
  });

  it('maps an AppError to its code and hides any other throw', async () => {
    const { r, log } = router(
      handlers({
        cacheSet: () => {
          throw new AppError('BODY_TOO_LARGE', 'cache value is larger than 2097152 bytes');
        },
        loadIdentity: () => {
          throw new Error('EACCES /home/user/.config/secret path');
        },
      }),
    );
    expect(await r.handle('ra:cacheSet', ['k', 'v'], ctx)).toEqual({
      ok: false,
      error: { code: 'BODY_TOO_LARGE', message: 'cache value is larger than 2097152 bytes' },
    });
    const hidden = await r.handle('ra:loadIdentity', [], ctx);
    expect(hidden).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'Internal error' } });
    expect(log.lines.some((l) => l.level === 'error' && String(l.detail).includes('EACCES'))).toBe(true);
  });

  it('never lets a reply outside its schema through', async () => {
    const { r } = router(handlers({ nextSeq: () => 'seven' as unknown as number }));
    expect(await r.handle('ra:nextSeq', [], ctx)).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });
});

describe('registerIpc', () => {
  function fakeIpcMain() {
    const registered = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => unknown>();
    const ipc: IpcMainLike = {
      handle: (channel, listener) => void registered.set(channel, listener),
      removeHandler: (channel) => void registered.delete(channel),
    };
    return { ipc, registered };
  }

  it('registers exactly the declared channels and removes them again', () => {
    const { ipc, registered } = fakeIpcMain();
    const off = registerIpc(ipc, router().r);
    expect([...registered.keys()].sort()).toEqual(INVOKE_METHODS.map(invokeChannel).sort());
    off();
    expect(registered.size).toBe(0);
  });

  it('passes the sender frame and refuses calls with more than the one argument tuple', async () => {
    const { ipc, registered } = fakeIpcMain();
    registerIpc(ipc, router().r);
    const nextSeq = registered.get('ra:nextSeq');
    const event = { sender: { id: 3 }, senderFrame: { url: `${APP}/` } };
    expect(await nextSeq?.(event, [1])).toEqual({ ok: true, value: 2 });
    expect(await nextSeq?.(event, [1], 'extra')).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await nextSeq?.({ sender: { id: 3 }, senderFrame: null }, [1])).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const throwing = {
      sender: { id: 3 },
      get senderFrame(): { url: string } {
        throw new Error('Render frame was disposed');
      },
    };
    expect(await nextSeq?.(throwing, [1])).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});
