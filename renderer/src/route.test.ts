import { describe, expect, it } from 'vitest';
import { hrefOf, pageOptions, parseRoute, playerKey, type Route } from './route.ts';

describe('routes', () => {
  it('parses and prints every route the same way', () => {
    const routes: Route[] = [
      { name: 'home' },
      { name: 'settings' },
      { name: 'watch', programId: 'harbour-lights', start: { kind: 'resume' } },
      { name: 'watch', programId: 'harbour-lights', start: { kind: 'over' } },
      { name: 'watch', programId: 'live-news', start: { kind: 'terminal', terminalId: 'term-bbbbbbbb' } },
      { name: 'watch', programId: 'harbour-lights', start: { kind: 'handoff', sessionId: 'Ab3_-xyz12345678' } },
      { name: 'watch', programId: 'harbour-lights', start: { kind: 'remote', commandId: '0b7e2a8c-5d1f-4c3e-9a6b-1f2e3d4c5b6a' } },
      { name: 'link', code: null },
      { name: 'link', code: 'BCDF-GHJK' },
      { name: 'link', code: 'BCD' },
    ];
    for (const r of routes) expect(parseRoute(hrefOf(r))).toEqual(r);
  });

  it('gives each handoff its own player screen, other starts the programme’s', () => {
    expect(playerKey('ocean', { kind: 'resume' })).toBe(playerKey('ocean', { kind: 'over' }));
    expect(playerKey('ocean', { kind: 'handoff', sessionId: 'sess-0001aaaa' })).not.toBe(playerKey('ocean', { kind: 'handoff', sessionId: 'sess-0002bbbb' }));
    // Each card's Play on from elsewhere too (a new <video>, whatever played before).
    expect(playerKey('ocean', { kind: 'remote', commandId: 'cmd-0001aaaa' })).not.toBe(playerKey('ocean', { kind: 'resume' }));
    expect(playerKey('ocean', { kind: 'remote', commandId: 'cmd-0001aaaa' })).not.toBe(playerKey('ocean', { kind: 'remote', commandId: 'cmd-0002bbbb' }));
  });

  it('treats anything unknown or malformed as home', () => {
    expect(parseRoute('')).toEqual({ name: 'home' });
    expect(parseRoute('#/nowhere')).toEqual({ name: 'home' });
    expect(parseRoute('#/watch/Bad Id')).toEqual({ name: 'home' });
    expect(parseRoute('#/watch/x?from=<script>')).toEqual({ name: 'watch', programId: 'x', start: { kind: 'resume' } });
    expect(parseRoute('#/watch/x?handoff=<script>')).toEqual({ name: 'watch', programId: 'x', start: { kind: 'resume' } });
    expect(parseRoute('#/watch/x?remote=<script>')).toEqual({ name: 'watch', programId: 'x', start: { kind: 'resume' } });
  });

  it('reads the link page’s code the way people and QR codes write it', () => {
    expect(parseRoute('#/link')).toEqual({ name: 'link', code: null });
    expect(parseRoute('#/link?code=BCDF-GHJK')).toEqual({ name: 'link', code: 'BCDF-GHJK' });
    expect(parseRoute('#/link?code=bcdfghjk')).toEqual({ name: 'link', code: 'BCDF-GHJK' });
    expect(parseRoute('#/link?code=bcdf%20ghjk')).toEqual({ name: 'link', code: 'BCDF-GHJK' });
    expect(parseRoute('#/link?code=bcdf-g')).toEqual({ name: 'link', code: 'BCDF-G' });
    expect(parseRoute('#/link?code=BCDFGHJKLMN')).toEqual({ name: 'link', code: 'BCDF-GHJK' });
    expect(parseRoute('#/link/?code=BCDF-GHJK&x=1')).toEqual({ name: 'link', code: 'BCDF-GHJK' });
  });

  it('drops a junk code but keeps the link page', () => {
    for (const junk of ['<script>', '1234-5678', 'BCDF_GHJK', '%00', '---', '']) {
      expect(parseRoute(`#/link?code=${encodeURIComponent(junk)}`), junk).toEqual({ name: 'link', code: null });
    }
  });

  it('reads ?type= and ?mode=', () => {
    expect(pageOptions('?type=mobile&mode=tv')).toEqual({ type: 'mobile', mode: 'tv' });
    expect(pageOptions('?type=fridge')).toEqual({ type: null, mode: null });
  });
});
