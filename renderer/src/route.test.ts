import { describe, expect, it } from 'vitest';
import { hrefOf, pageOptions, parseRoute, type Route } from './route.ts';

describe('routes', () => {
  it('parses and prints every route the same way', () => {
    const routes: Route[] = [
      { name: 'home' },
      { name: 'settings' },
      { name: 'watch', programId: 'harbour-lights', start: { kind: 'resume' } },
      { name: 'watch', programId: 'harbour-lights', start: { kind: 'over' } },
      { name: 'watch', programId: 'live-news', start: { kind: 'terminal', terminalId: 'term-bbbbbbbb' } },
    ];
    for (const r of routes) expect(parseRoute(hrefOf(r))).toEqual(r);
  });

  it('treats anything unknown or malformed as home', () => {
    expect(parseRoute('')).toEqual({ name: 'home' });
    expect(parseRoute('#/nowhere')).toEqual({ name: 'home' });
    expect(parseRoute('#/watch/Bad Id')).toEqual({ name: 'home' });
    expect(parseRoute('#/watch/x?from=<script>')).toEqual({ name: 'watch', programId: 'x', start: { kind: 'resume' } });
  });

  it('reads ?type= and ?mode=', () => {
    expect(pageOptions('?type=mobile&mode=tv')).toEqual({ type: 'mobile', mode: 'tv' });
    expect(pageOptions('?type=fridge')).toEqual({ type: null, mode: null });
  });
});
