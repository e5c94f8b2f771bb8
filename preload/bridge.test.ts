import { describe, expect, it, vi } from 'vitest';
import { INVOKE_METHODS } from '../common/ipc.ts';
import { DEFAULT_SETTINGS } from '../common/platform.ts';
import { callChannel, createBridge, type IpcRendererLike } from './bridge.ts';

type Listener = (event: unknown, ...args: unknown[]) => void;

function fakeIpc(reply: (channel: string, payload: unknown) => unknown = () => ({ ok: true, value: undefined })) {
  const calls: { channel: string; args: unknown[] }[] = [];
  const listeners = new Map<string, Listener>();
  const ipc: IpcRendererLike = {
    invoke: async (channel, ...args) => {
      calls.push({ channel, args });
      return reply(channel, args[0]);
    },
    on: (channel, listener) => listeners.set(channel, listener),
  };
  const emit = (channel: string, payload: unknown) => listeners.get(channel)?.({}, payload);
  return { ipc, calls, emit };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('preload bridge', () => {
  it('exposes the contract’s methods and onLifecycle, nothing else, frozen', () => {
    const bridge = createBridge(fakeIpc().ipc) as unknown as Record<string, unknown>;
    const expected = [...INVOKE_METHODS.filter((m) => m !== 'lifecycleDone'), 'onLifecycle'].sort();
    expect(Object.keys(bridge).sort()).toEqual(expected);
    for (const k of expected) expect(typeof bridge[k]).toBe('function');
    expect(Object.isFrozen(bridge)).toBe(true);
    expect(bridge).not.toHaveProperty('invoke');
    expect(bridge).not.toHaveProperty('lifecycleDone');
  });

  it('sends the argument tuple on the method’s channel and unwraps the reply', async () => {
    const { ipc, calls } = fakeIpc((channel) => (channel === 'ra:loadSettings' ? { ok: true, value: DEFAULT_SETTINGS } : { ok: true, value: 9 }));
    const bridge = createBridge(ipc);
    expect(await bridge.loadSettings()).toEqual(DEFAULT_SETTINGS);
    expect(await bridge.nextSeq(undefined)).toBe(9);
    expect(await bridge.nextSeq(8)).toBe(9);
    expect(calls).toEqual([
      { channel: 'ra:loadSettings', args: [[]] },
      { channel: 'ra:nextSeq', args: [[]] },
      { channel: 'ra:nextSeq', args: [[8]] },
    ]);
  });

  it('rejects a channel outside the contract without sending anything', async () => {
    const { ipc, calls } = fakeIpc();
    await expect(callChannel(ipc, 'ra:shell.openExternal', [])).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(callChannel(ipc, 'electron-store-get-data', [])).rejects.toThrow(/Unknown IPC channel/);
    await expect(callChannel(ipc, 'ra:lifecycleDone', [{ id: 1, listeners: 0 }])).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(calls).toEqual([]);
  });

  it('rejects malformed arguments without sending anything', async () => {
    const { ipc, calls } = fakeIpc();
    const bridge = createBridge(ipc);
    await expect(bridge.saveSettings({ mode: 'cinema' } as never)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(bridge.outboxRemove('reports', ['1'] as never)).rejects.toThrow(/^VALIDATION_FAILED: /);
    await expect(bridge.cacheGet('../x')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(calls).toEqual([]);
  });

  it('turns an error envelope into an IpcError with its code, and a bad reply into INTERNAL', async () => {
    const { ipc } = fakeIpc((channel) =>
      channel === 'ra:loadIdentity' ? { ok: false, error: { code: 'FORBIDDEN', message: 'no' } } : { ok: true, value: 'not settings' },
    );
    const bridge = createBridge(ipc);
    await expect(bridge.loadIdentity()).rejects.toMatchObject({ code: 'FORBIDDEN', message: 'FORBIDDEN: no' });
    await expect(bridge.loadSettings()).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('hands lifecycle signals to listeners and acks once their promises settled', async () => {
    const { ipc, calls, emit } = fakeIpc();
    const bridge = createBridge(ipc);
    let release!: () => void;
    const saving = new Promise<void>((r) => (release = r));
    const seen: string[] = [];
    bridge.onLifecycle(async (e) => {
      seen.push(e);
      await saving;
    });
    emit('ra:event:lifecycle', { id: 7, event: 'quit' });
    await tick();
    expect(seen).toEqual(['quit']);
    expect(calls).toEqual([]);
    release();
    await tick();
    await tick();
    expect(calls).toEqual([{ channel: 'ra:lifecycleDone', args: [[{ id: 7, listeners: 1 }]] }]);
  });

  it('acks with zero listeners after unsubscribe, survives a throwing listener, drops malformed signals', async () => {
    const warn = vi.fn();
    const { ipc, calls, emit } = fakeIpc();
    const bridge = createBridge(ipc, { warn });
    const off = bridge.onLifecycle(() => undefined);
    off();
    emit('ra:event:lifecycle', { id: 1, event: 'suspend' });
    await tick();
    await tick();
    expect(calls.at(-1)).toEqual({ channel: 'ra:lifecycleDone', args: [[{ id: 1, listeners: 0 }]] });
    bridge.onLifecycle(() => {
      throw new Error('boom');
    });
    emit('ra:event:lifecycle', { id: 2, event: 'quit' });
    await tick();
    await tick();
    expect(calls.at(-1)).toEqual({ channel: 'ra:lifecycleDone', args: [[{ id: 2, listeners: 1 }]] });
    emit('ra:event:lifecycle', { id: 'x', event: 'self-destruct' });
    await tick();
    expect(calls).toHaveLength(2);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/malformed/));
  });

  it('acks anyway when a listener hangs past the bound', async () => {
    const { ipc, calls, emit } = fakeIpc();
    const bridge = createBridge(ipc, { listenerTimeoutMs: 20 });
    bridge.onLifecycle(() => new Promise(() => undefined));
    emit('ra:event:lifecycle', { id: 3, event: 'quit' });
    await new Promise((r) => setTimeout(r, 60));
    expect(calls).toEqual([{ channel: 'ra:lifecycleDone', args: [[{ id: 3, listeners: 1 }]] }]);
  });
});
