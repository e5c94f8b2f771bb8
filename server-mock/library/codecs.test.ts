/**
 * The transcode path for the other source formats the library takes: VP9 + Opus (WebM), AV1
 * (MP4), MPEG-2 with E-AC-3, FLAC and DTS (Matroska). Each becomes H.264 + AAC CMAF with every
 * audio track and its language, as ffprobe reads the packaged output.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openSqliteStore } from '../store/sqlite.ts';
import type { Store } from '../store/types.ts';
import { Library } from './library.ts';
import { storeCatalogue } from './plugin.ts';
import { av1Mp4, mpeg2ManyAudio, probeStreams, vp9OpusWebm } from './test-media.ts';

let work: string;
let store: Store;
let lib: Library;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'ra-codecs-'));
  await vp9OpusWebm(path.join(work, 'src', 'vp9.webm'));
  await av1Mp4(path.join(work, 'src', 'av1.mp4'));
  await mpeg2ManyAudio(path.join(work, 'src', 'mpeg2.mkv'));
  store = await openSqliteStore({ file: path.join(work, 'resume.sqlite') });
  lib = await Library.open({ dataDir: work, mediaDir: path.join(work, 'media'), catalogue: storeCatalogue(store), settleMs: 0 });
  await lib.add([path.join(work, 'src')]);
  lib.start();
  await lib.whenIdle();
}, 240_000);
afterAll(async () => {
  await lib?.close();
  await store?.close();
  await rm(work, { recursive: true, force: true });
});

async function packaged(name: string) {
  const f = lib.status().files.find((x) => path.basename(x.path) === name);
  expect(f?.state, `${name}: ${f?.error}`).toBe('ready');
  const streams = await probeStreams(path.join(lib.mediaDir, f?.programId as string, 'manifest.mpd'));
  return {
    video: streams.filter((s) => s.codec_type === 'video').map((s) => `${s.codec_name} ${s.height}`),
    audio: streams.filter((s) => s.codec_type === 'audio').map((s) => `${s.codec_name} ${(s as { channels?: number }).channels}`),
    dir: path.join(lib.mediaDir, f?.programId as string),
  };
}

it('VP9 + Opus WebM → H.264 + AAC, Spanish kept', async () => {
  const p = await packaged('vp9.webm');
  expect(p.video).toEqual(['h264 144']);
  expect(p.audio).toEqual(['aac 1']);
  expect((await probeStreams(path.join(p.dir, 'init-1.m4s')))[0]?.tags?.language).toBe('spa');
});

it('AV1 MP4 → H.264, its AAC copied', async () => {
  const p = await packaged('av1.mp4');
  expect(p.video).toEqual(['h264 144']);
  expect(p.audio).toEqual(['aac 1']);
});

it('MPEG-2 with E-AC-3, FLAC and DTS → H.264 ladder + three AAC tracks with their languages', async () => {
  const p = await packaged('mpeg2.mkv');
  expect(p.video).toEqual(['h264 240', 'h264 180']);
  expect(p.audio).toEqual(['aac 1', 'aac 1', 'aac 2']);
  const langs = [];
  for (const id of [2, 3, 4]) langs.push((await probeStreams(path.join(p.dir, `init-${id}.m4s`)))[0]?.tags?.language);
  expect(langs).toEqual(['eng', 'jpn', 'ita']);
});
