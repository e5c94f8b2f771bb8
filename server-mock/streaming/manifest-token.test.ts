/**
 * Token propagation through manifests written by other packagers than ours: prefixes,
 * single quotes, entities, xlink, comments — read as XML, never as text patterns.
 */
import { describe, expect, it } from 'vitest';
import { tokenizeMpd, withToken } from './manifest-token.ts';
import { parseXml } from './xml.ts';

const T = 'pt1.abc.def';
const q = `token=${T}`;

describe('tokenizeMpd', () => {
  it('reads a prefixed, single-quoted manifest with entities, xlink and comments', () => {
    const mpd = [
      "<?xml version='1.0'?>",
      "<mpd:MPD xmlns:mpd='urn:mpeg:dash:schema:mpd:2011' xmlns:xlink='http://www.w3.org/1999/xlink' type='static'>",
      '  <!-- packager: someone else -->',
      "  <mpd:Period xlink:href='period-2.xml' xlink:actuate='onLoad'/>",
      '  <mpd:Period>',
      "    <mpd:AdaptationSet><mpd:SegmentTemplate media='v/$Number$.m4s?a=1&amp;b=&quot;2&quot;' initialization = 'v/init.mp4' /></mpd:AdaptationSet>",
      '    <mpd:AdaptationSet><mpd:Representation id="t"><mpd:BaseURL> subs/en.vtt </mpd:BaseURL></mpd:Representation></mpd:AdaptationSet>',
      '  </mpd:Period>',
      '  <mpd:Location>https://origin.example.com/live.mpd</mpd:Location>',
      '</mpd:MPD>',
    ].join('\n');
    const out = tokenizeMpd(mpd, T);
    expect(out).toContain(`xlink:href="period-2.xml?${q}"`);
    expect(out).toContain('xlink:actuate="onLoad"');
    expect(out).toContain(`media="v/$Number$.m4s?a=1&amp;b=&quot;2&quot;&amp;${q}"`);
    expect(out).toContain(`initialization="v/init.mp4?${q}"`);
    expect(out).toContain(`<mpd:BaseURL>subs/en.vtt?${q}</mpd:BaseURL>`);
    expect(out).toContain('<mpd:Location>https://origin.example.com/live.mpd</mpd:Location>');
    expect(out).toContain('<!-- packager: someone else -->');
    // Still a manifest: parses, and nothing but the URLs moved.
    expect(() => parseXml(out)).not.toThrow();
    expect(out.split(T).length - 1).toBe(4);
  });

  it('puts the token before a fragment and after an existing query', () => {
    expect(withToken('seg.m4s#t=1', T)).toBe(`seg.m4s?${q}#t=1`);
    expect(withToken('seg.m4s?x=1', T)).toBe(`seg.m4s?x=1&${q}`);
    expect(withToken('//cdn.example.com/seg.m4s', T)).toBe('//cdn.example.com/seg.m4s');
    expect(withToken('data:video/mp4;base64,AAAA', T)).toBe('data:video/mp4;base64,AAAA');
  });

  it('refuses a manifest that is not well-formed XML rather than half-rewriting it', () => {
    expect(() => tokenizeMpd('<MPD><Period></MPD>', T)).toThrow(/not well-formed XML/);
  });
});
