/**
 * The PC/phone side of linking a TV: a terminal approves with its credential; a browser that
 * is not one signs in for the request and always ends that session; each failure keeps its
 * step, so the page explains it rightly; a malformed code is never sent.
 */
import { describe, expect, it, vi } from 'vitest';
import { ApiError, type DeviceLinkAuth } from '../api/http.ts';
import { createLinkApprovalStore } from './link-approval.ts';

const account = { id: 'user-00000001', login: 'ana@example.com', displayName: 'Ana', createdAt: 1_800_000_000_000 };

function setup(linkAnswer: () => Promise<{ terminalName: string; terminalType: 'stb' }> = async () => ({ terminalName: 'Den TV', terminalType: 'stb' })) {
  const api = {
    signIn: vi.fn(async () => ({ token: 'ras_user-session', expiresAt: 1_900_000_000_000, account })),
    signOut: vi.fn(async () => null),
    deviceLink: vi.fn(async (_auth: DeviceLinkAuth, _body: { userCode: string; name?: string }) => linkAnswer()),
  };
  return { api, store: createLinkApprovalStore({ api }) };
}

describe('link-approval store (the PC/phone side)', () => {
  it('a terminal approves with its own credential, no password', async () => {
    const { api, store } = setup();
    expect(await store.getState().submit({ code: 'bcdf ghjk', name: ' Den TV ', approver: { kind: 'terminal' } })).toBe(true);
    expect(api.deviceLink).toHaveBeenCalledWith({ kind: 'terminal' }, { userCode: 'BCDF-GHJK', name: 'Den TV' });
    expect(api.signIn).not.toHaveBeenCalled();
    expect(store.getState()).toMatchObject({ busy: false, failure: null, linked: { terminalName: 'Den TV' } });
    store.getState().reset();
    expect(store.getState().linked).toBeNull();
  });

  it('without a terminal: signs in, links with that session, then ends it', async () => {
    const { api, store } = setup();
    expect(await store.getState().submit({ code: 'BCDF-GHJK', name: '', approver: { kind: 'account', login: ' ana@example.com ', password: 'secret-123' } })).toBe(true);
    expect(api.signIn).toHaveBeenCalledWith({ login: 'ana@example.com', password: 'secret-123' });
    expect(api.deviceLink).toHaveBeenCalledWith({ kind: 'bearer', token: 'ras_user-session' }, { userCode: 'BCDF-GHJK' });
    expect(api.signOut).toHaveBeenCalledWith('ras_user-session');
  });

  it('ends the session even when the code is refused, and says the refusal was the code’s', async () => {
    const { api, store } = setup(async () => {
      throw new ApiError('CODE_EXPIRED', 'expired', 410);
    });
    expect(await store.getState().submit({ code: 'BCDF-GHJK', name: '', approver: { kind: 'account', login: 'ana@example.com', password: 'secret-123' } })).toBe(false);
    expect(api.signOut).toHaveBeenCalledWith('ras_user-session');
    expect(store.getState()).toMatchObject({ busy: false, linked: null, failure: { step: 'link', code: 'CODE_EXPIRED' } });
  });

  it('a failed sign-in is the sign-in’s failure and links nothing', async () => {
    const { api, store } = setup();
    api.signIn.mockRejectedValueOnce(new ApiError('BAD_CREDENTIALS', 'no', 401));
    await store.getState().submit({ code: 'BCDF-GHJK', name: '', approver: { kind: 'account', login: 'ana@example.com', password: 'wrong-pass' } });
    expect(store.getState().failure).toEqual({ step: 'signIn', code: 'BAD_CREDENTIALS' });
    expect(api.deviceLink).not.toHaveBeenCalled();
    expect(api.signOut).not.toHaveBeenCalled();
  });

  it.each(['CODE_INVALID', 'RATE_LIMITED', 'NETWORK_DOWN'] as const)('keeps %s for the page to explain', async (code) => {
    const { store } = setup(async () => {
      throw new ApiError(code, 'x', 400);
    });
    await store.getState().submit({ code: 'BCDF-GHJK', name: '', approver: { kind: 'terminal' } });
    expect(store.getState().failure).toEqual({ step: 'link', code });
    store.getState().clearFailure();
    expect(store.getState().failure).toBeNull();
  });

  it.each(['', 'BCDF-GHJ', 'BCDF-GHJKL', '1234-5678', 'BCDF_GHJK'])('does not send the malformed code %j', async (code) => {
    const { api, store } = setup();
    expect(await store.getState().submit({ code, name: '', approver: { kind: 'terminal' } })).toBe(false);
    expect(store.getState().failure).toEqual({ step: 'format' });
    expect(api.deviceLink).not.toHaveBeenCalled();
  });
});
