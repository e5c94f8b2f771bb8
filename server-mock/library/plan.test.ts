import { describe, expect, it } from 'vitest';
import { completeMaster, completeMpd, thumbnailsVtt } from './manifests.ts';
import { ladder, planPackage } from './plan.ts';
import { clock, progressLine } from './progress.ts';
import type { MediaInfo } from './probe.ts';

const info = (over: Partial<MediaInfo['video'] & object> = {}, audio: Partial<MediaInfo['audio'][0]>[] = [{}]): MediaInfo => ({
  durationMs: 60_000,
  formatName: 'mov,mp4',
  video: { index: 0, codec: 'h264', width: 1920, height: 1080, pixFmt: 'yuv420p', profile: 'High', fps: 25, ...over },
  audio: audio.map((a, i) => ({ index: i + 1, codec: 'aac', channels: 2, language: 'en', title: null, isDefault: false, ...a })),
  subtitles: [],
  chapters: [],
  tags: {},
});

describe('plan', () => {
  it('copies 8-bit H.264 as the top rung and adds two smaller standard rungs', () => {
    expect(ladder(1920, 1080, true).map((r) => [r.height, r.copy])).toEqual([[1080, true], [720, false], [480, false]]);
    expect(ladder(640, 360, true).map((r) => [r.width, r.height])).toEqual([[640, 360], [426, 240], [320, 180]]);
    expect(ladder(320, 180, true)).toHaveLength(1);
    expect(ladder(1920, 1080, true, 1)).toHaveLength(1);
  });
  it('transcodes HEVC, 10-bit H.264 and caps a 4K transcode at 1080p', () => {
    expect(planPackage(info({ codec: 'hevc', width: 3840, height: 2160 }), []).renditions.map((r) => [r.height, r.copy])).toEqual([[1080, false], [720, false], [480, false]]);
    expect(planPackage(info({ profile: 'High 10', pixFmt: 'yuv420p10le' }), []).renditions[0]?.copy).toBe(false);
  });
  it('keeps AAC, turns AC-3 5.1 / DTS 7.1 / Opus into AAC with at most 6 channels, marks one default', () => {
    const p = planPackage(info({}, [{ codec: 'aac' }, { codec: 'ac3', channels: 6, language: 'de' }, { codec: 'dts', channels: 8 }, { codec: 'opus', language: 'und' }]), []);
    expect(p.audio.map((a) => [a.copy, a.channels, a.bitrateKbps, a.isDefault])).toEqual([[true, 2, 0, true], [false, 6, 384, false], [false, 6, 384, false], [false, 2, 128, false]]);
    expect(p.audio.map((a) => a.label)).toEqual(['English', 'Deutsch', 'English', 'Unknown']);
    expect(p.copyOnly).toBe(false);
  });
  it('skips bitmap subtitles with a reason and numbers the WebVTT files', () => {
    const i = info();
    i.subtitles = [
      { index: 3, codec: 'hdmv_pgs_subtitle', language: 'en', title: null, isText: false, forced: false },
      { index: 4, codec: 'subrip', language: 'fr', title: null, isText: true, forced: true },
    ];
    const p = planPackage(i, [{ file: '/x/film.zh.srt', language: 'zh', forced: false }]);
    expect(p.subtitles.map((s) => [s.file, s.language, s.forced])).toEqual([['sub-0.vtt', 'fr', true], ['sub-1.vtt', 'zh', false]]);
    expect(p.skipped[0]).toMatch(/bitmap/);
  });
});

describe('manifests', () => {
  const plan = planPackage(info({}, [{ language: 'en', isDefault: true }, { language: 'fr' }]), [{ file: '/f.zh.srt', language: 'zh', forced: false }]);
  const extras = { durationMs: 60_000, title: 'A & B', audio: plan.audio, videoRenditions: 3, subtitles: plan.subtitles, thumbnails: { intervalSec: 2, columns: 5, rows: 5, width: 160, height: 90, sheets: 2, count: 30, averageBytes: 20_000 } };
  it('adds languages, labels, text and image adaptation sets to the MPD', () => {
    const mpd = [
      '<MPD><ProgramInformation>\n</ProgramInformation><Period id="0">',
      '<AdaptationSet id="0" contentType="video" lang="und"></AdaptationSet>',
      '<AdaptationSet id="1" contentType="audio" startWithSAP="1" lang="eng"></AdaptationSet>',
      '<AdaptationSet id="2" contentType="audio" startWithSAP="1"></AdaptationSet>',
      '\t</Period></MPD>',
    ].join('\n');
    const out = completeMpd(mpd, extras);
    expect(out).toContain('<Title>A &amp; B</Title>');
    expect(out).toMatch(/contentType="video">/);
    expect(out).toMatch(/id="1" contentType="audio" startWithSAP="1" lang="en">\s*<Label>English<\/Label>\s*<Role[^>]*value="main"/);
    expect(out).toMatch(/id="2" contentType="audio" startWithSAP="1" lang="fr">\s*<Label>Français<\/Label>/);
    expect(out).toMatch(/contentType="text" mimeType="text\/vtt" lang="zh">[\s\S]*<BaseURL>sub-0\.vtt<\/BaseURL>/);
    expect(out).toMatch(/<SegmentTemplate media="thumbs-\$Number\$\.jpg" timescale="1" duration="50"[\s\S]*thumbnail_tile" value="5x5"/);
  });
  it('adds LANGUAGE/NAME to HLS audio, subtitle renditions and the image stream', () => {
    const master = '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="group_A1",NAME="audio_3",DEFAULT=YES,URI="media_3.m3u8"\n#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="group_A1",NAME="audio_4",DEFAULT=NO,URI="media_4.m3u8"\n#EXT-X-STREAM-INF:BANDWIDTH=1,CODECS="avc1.64001f,mp4a.40.2",AUDIO="group_A1"\nmedia_0.m3u8\n';
    const { master: out, files } = completeMaster(master, extras);
    expect(out).toContain('NAME="English",LANGUAGE="en",DEFAULT=YES');
    expect(out).toContain('NAME="Français",LANGUAGE="fr",DEFAULT=NO');
    expect(out).toMatch(/TYPE=SUBTITLES,GROUP-ID="subs",NAME="中文",LANGUAGE="zh".*URI="sub_0\.m3u8"/);
    expect(out).toContain('AUDIO="group_A1",SUBTITLES="subs"');
    expect(out).toMatch(/#EXT-X-IMAGE-STREAM-INF:.*RESOLUTION=800x450.*URI="thumbs\.m3u8"\n$/);
    expect(files['sub_0.m3u8']).toContain('#EXTINF:60.000,\nsub-0.vtt');
    expect(files['thumbs.m3u8']).toContain('#EXT-X-TILES:RESOLUTION=160x90,LAYOUT=5x5,DURATION=2.000');
  });
  it('writes a WebVTT thumbnails track', () => {
    const vtt = thumbnailsVtt(extras.thumbnails, 60_000);
    expect(vtt).toContain('00:00:50.000 --> 00:00:52.000\nthumbs-2.jpg#xywh=0,0,160,90');
    expect(vtt.match(/-->/g)).toHaveLength(30);
  });
});

describe('progress', () => {
  it('formats the bar, speed and ETA', () => {
    expect(progressLine({ path: '/a/film.mkv', fraction: 0.5, speed: 3.14, etaSec: 75 }, 10)).toBe('[#####-----]  50%  3.1× realtime  ETA    1:15  film.mkv');
    expect(clock(3725)).toBe('1:02:05');
    expect(clock(null)).toBe('--:--');
  });
});
