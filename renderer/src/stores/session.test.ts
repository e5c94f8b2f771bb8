import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/http.ts';
import { memoryBridge } from '../testing/fixtures.ts';
import { createSessionStore } from './session.ts';

const account = { id: 'user-00000001', login: 'ana@example.com', displayName: 'Ana', createdAt: 1_800_000_000_000 };
const terminal = { id: 'term-aaaaaaaa', name: 'Study PC', type: 'pc' as const, createdAt: 1_800_000_000_000, lastSeenAt: null };

function setup(over: Partial<Record<'signIn' | 'register' | 'registerTerminal' | 'signOut' | 'signOutTerminal', (...a: never[]) => Promise<unknown>>> = {}) {
  const bridge = memoryBridge();
  const api = {
    signIn: vi.fn(async () => ({ token: 'ras_user-session', expiresAt: 1_900_000_000_000, account })),
    register: vi.fn(async () => account),
    registerTerminal: vi.fn(async () => ({ terminal, credential: 'rat_terminal-credential' })),
    signOut: vi.fn(async () => null),
    signOutTerminal: vi.fn(async () => null),
    ...over,
  };
  const onSignOut = vi.fn(async () => undefined);
  const store = createSessionStore({ bridge, api: api as never, serverUrl: () => 'http://srv', onSignOut });
  return { bridge, api, store, onSignOut };
}

describe('session store', () => {
  it('boots signed out without an identity, ready with one', async () => {
    const { store, bridge } = setup();
    await store.getState().boot();
    expect(store.getState().phase).toBe('signed-out');
    await bridge.saveIdentity({ serverUrl: 'http://srv', terminalId: 'term-aaaaaaaa', terminalName: 'PC', terminalType: 'pc', credential: 'rat_0123456789', login: 'a@b.c' });
    await store.getState().boot();
    expect(store.getState().phase).toBe('ready');
  });

  it('sign in → name this terminal → ready; the identity is stored, the user session ended', async () => {
    const { store, api, bridge } = setup();
    expect(await store.getState().signIn(' ana@example.com ', 'secret-123')).toBe(true);
    expect(api.signIn).toHaveBeenCalledWith({ login: 'ana@example.com', password: 'secret-123' });
    expect(store.getState()).toMatchObject({ phase: 'naming', account: { login: 'ana@example.com', token: 'ras_user-session' } });
    expect(await store.getState().nameTerminal(' Study PC ', 'pc')).toBe(true);
    expect(api.registerTerminal).toHaveBeenCalledWith('ras_user-session', { name: 'Study PC', type: 'pc' });
    expect(api.signOut).toHaveBeenCalledWith('ras_user-session');
    expect(store.getState()).toMatchObject({ phase: 'ready', account: null });
    expect(await bridge.loadIdentity()).toEqual({
      serverUrl: 'http://srv',
      terminalId: 'term-aaaaaaaa',
      terminalName: 'Study PC',
      terminalType: 'pc',
      credential: 'rat_terminal-credential',
      login: 'ana@example.com',
    });
  });

  it('register creates the account and signs in', async () => {
    const { store, api } = setup();
    expect(await store.getState().register('ana@example.com', 'secret-123', ' Ana ')).toBe(true);
    expect(api.register).toHaveBeenCalledWith({ login: 'ana@example.com', password: 'secret-123', displayName: 'Ana' });
    expect(store.getState().phase).toBe('naming');
  });

  it('keeps the stable code of a failure and stays put', async () => {
    const { store } = setup({
      signIn: async () => {
        throw new ApiError('BAD_CREDENTIALS', 'no', 401);
      },
    });
    expect(await store.getState().signIn('ana@example.com', 'wrong-pass')).toBe(false);
    expect(store.getState()).toMatchObject({ phase: 'booting', error: 'BAD_CREDENTIALS', busy: false });
    store.getState().clearError();
    expect(store.getState().error).toBeNull();
  });

  it('adopts the terminal a TV was linked as (device code): identity stored, ready, no user session involved', async () => {
    const { store, api, bridge } = setup();
    await store.getState().boot();
    const tv = { id: 'term-tv000001', name: 'Living-room TV', type: 'stb' as const, createdAt: 1_800_000_000_000, lastSeenAt: 1_800_000_000_000 };
    await store.getState().adopt({ terminal: tv, credential: 'rat_tv-credential-0123', account });
    expect(store.getState()).toMatchObject({ phase: 'ready', account: null, error: null });
    const stored = {
      serverUrl: 'http://srv',
      terminalId: 'term-tv000001',
      terminalName: 'Living-room TV',
      terminalType: 'stb',
      credential: 'rat_tv-credential-0123',
      login: 'ana@example.com',
    };
    expect(store.getState().identity).toEqual(stored);
    expect(await bridge.loadIdentity()).toEqual(stored);
    expect(api.signIn).not.toHaveBeenCalled();
    expect(api.signOut).not.toHaveBeenCalled();
  });

  it('sign out forgets the identity after the terminal services stopped', async () => {
    const { store, bridge, onSignOut } = setup();
    await store.getState().signIn('ana@example.com', 'secret-123');
    await store.getState().nameTerminal('PC', 'pc');
    await store.getState().signOut('terminal-removed');
    expect(onSignOut).toHaveBeenCalled();
    expect(await bridge.loadIdentity()).toBeNull();
    expect(store.getState()).toMatchObject({ phase: 'signed-out', notice: 'terminal-removed', identity: null });
  });

  it('a chosen sign out tells the server (its credential dies there), then forgets it here', async () => {
    const { store, bridge, api } = setup();
    await store.getState().signIn('ana@example.com', 'secret-123');
    await store.getState().nameTerminal('PC', 'pc');
    await store.getState().signOut();
    expect(api.signOutTerminal).toHaveBeenCalledTimes(1);
    expect(await bridge.loadIdentity()).toBeNull();
    expect(store.getState()).toMatchObject({ phase: 'signed-out', notice: null });
  });

  it('an unreachable server does not keep the terminal signed in here; a removed one is not told again', async () => {
    const { store, bridge, api } = setup({ signOutTerminal: vi.fn(async () => Promise.reject(new ApiError('NETWORK_DOWN', 'down'))) });
    await store.getState().signIn('ana@example.com', 'secret-123');
    await store.getState().nameTerminal('PC', 'pc');
    await Promise.all([store.getState().signOut(), store.getState().signOut('terminal-removed')]);
    expect(api.signOutTerminal).toHaveBeenCalledTimes(1);
    expect(await bridge.loadIdentity()).toBeNull();
    await store.getState().signIn('ana@example.com', 'secret-123');
    await store.getState().nameTerminal('PC', 'pc');
    await store.getState().signOut('terminal-removed');
    expect(api.signOutTerminal).toHaveBeenCalledTimes(1);
  });
});
