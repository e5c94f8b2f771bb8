import { describe, expect, it } from 'vitest';
import { item, record, vod } from '../testing/fixtures.ts';
import { cueAt, frameCss, loadCardFrame, parseThumbnailVtt, thumbnailTrackUrl } from './frame.ts';

const VTT = `WEBVTT

00:00:00.000 --> 00:00:05.000
thumbs-1.jpg#xywh=0,0,160,90

00:00:05.000 --> 00:00:10.000
thumbs-1.jpg#xywh=160,0,160,90

00:02:05.000 --> 00:02:07.500
thumbs-2.jpg#xywh=0,90,160,90
`;

describe('the frame at a breakpoint', () => {
  it('parses a thumbnails track and finds the tile at a time', () => {
    const cues = parseThumbnailVtt(VTT);
    expect(cues).toHaveLength(3);
    expect(cueAt(cues, 7)).toMatchObject({ file: 'thumbs-1.jpg', x: 160, y: 0 });
    expect(cueAt(cues, 126)).toMatchObject({ file: 'thumbs-2.jpg', y: 90, start: 125, end: 127.5 });
    expect(cueAt(cues, 500)?.file).toBe('thumbs-2.jpg'); // past the end: the last one
    expect(cueAt([], 3)).toBeNull();
  });

  it('percent CSS shows just the tile at any box size', () => {
    expect(frameCss({ start: 0, end: 5, file: 'a', x: 320, y: 180, w: 160, h: 90 }, 'blob:x', 800, 450)).toEqual({
      url: 'blob:x',
      backgroundSize: '500% 500%',
      backgroundPosition: '50% 50%',
    });
  });

  it('the track sits next to the manifest on this server; CDN programmes have none here', () => {
    const p = vod('two-voices');
    expect(thumbnailTrackUrl('http://h', item(p, record('two-voices', { kind: 'offset', offsetMs: 1 })))).toBe('http://h/media/two-voices/thumbnails.vtt');
    const cdn = { ...p, links: [{ dash: 'https://cdn.example/x/manifest.mpd' }] };
    expect(thumbnailTrackUrl('http://h', item(cdn, record('two-voices', { kind: 'offset', offsetMs: 1 })))).toBeNull();
  });

  it('asks a programme without thumbnails once, not again each time its card’s point moves', async () => {
    const asked: string[] = [];
    const doFetch = (async (url: string) => (asked.push(String(url)), new Response('no', { status: 404 }))) as unknown as typeof fetch;
    const program = vod('no-thumbs-programme');
    for (const offsetMs of [60_000, 70_000, 80_000]) {
      expect(await loadCardFrame('http://s', item(program, record(program.id, { kind: 'offset', offsetMs })), 'rat_credential', doFetch)).toBeNull();
    }
    expect(asked).toEqual(['http://s/media/no-thumbs-programme/thumbnails.vtt']);
  });
});
