/**
 * Test-only fakes for the player controller's boundary (engine.ts): a <video> (an EventTarget
 * with the media element's fields the controller reads and writes) and an engine that records
 * what it is asked and fires the events Shaka fires. Shaka itself needs a browser with MSE; the
 * controller's real path runs in Chromium in e2e/web/player-tracks.spec.ts.
 */
import type { EngineFactory, EngineRequest, PlayerEngine } from '../player/engine.ts';
import type { ShakaAudioTrack, ShakaImageTrack, ShakaTextTrack, ShakaThumbnail } from '../player/shaka-types.ts';

/** A media element good enough for the controller. */
export class FakeVideo extends EventTarget {
  currentTime = 0;
  duration = Number.NaN;
  paused = true;
  ended = false;
  readyState = 0;
  volume = 1;
  muted = false;
  #rate = 1;
  buffered = { length: 0, start: () => 0, end: () => 0 };
  plays = 0;
  get playbackRate(): number {
    return this.#rate;
  }
  set playbackRate(r: number) {
    this.#rate = r;
    this.dispatchEvent(new Event('ratechange'));
  }
  play(): Promise<void> {
    this.plays++;
    this.paused = false;
    this.readyState = 4;
    this.dispatchEvent(new Event('play'));
    this.dispatchEvent(new Event('playing'));
    return Promise.resolve();
  }
  pause(): void {
    this.paused = true;
    this.dispatchEvent(new Event('pause'));
  }
  /** Advance playback to `t` seconds (a timeupdate). */
  advance(t: number): void {
    this.currentTime = t;
    this.dispatchEvent(new Event('timeupdate'));
  }
}

const audioTrack = (language: string, label: string, active: boolean): ShakaAudioTrack => ({
  accessibilityPurpose: null, active, audioSamplingRate: 48_000, channelsCount: 2, codecs: 'mp4a.40.2', id: 0, label, language,
  mimeType: 'audio/mp4', originalLanguage: language, primary: false, roles: [], spatialAudio: false,
});
const textTrack = (id: number, language: string, label: string, forced = false): ShakaTextTrack => ({
  accessibilityPurpose: null, active: false, bandwidth: 0, codecs: 'wvtt', forced, id, kind: 'subtitle', label, language,
  mimeType: 'text/vtt', originalLanguage: language, originalTextId: null, primary: false, roles: [], type: 'text',
});

/** A fake engine: tracks of a two-language programme with two subtitle languages and thumbnails. */
export class FakeEngine extends EventTarget implements PlayerEngine {
  attached: unknown = null;
  configs: object[] = [];
  loads: { uri: string; startTime: number | null | undefined }[] = [];
  destroyed = false;
  filters: ((type: unknown, request: EngineRequest) => Promise<void> | void)[] = [];
  /** The next `load` rejects with this (then clears). */
  loadError: unknown = null;
  audio = [audioTrack('en', 'English', true), audioTrack('fr', 'Français', false)];
  text = [textTrack(1, 'en', 'English'), textTrack(2, 'zh', '中文'), textTrack(3, 'fr', 'Français (forced)', true)];
  images: ShakaImageTrack[] = [{ bandwidth: 0, codecs: null, height: 450, id: 9, mimeType: 'image/jpeg', originalImageId: null, tilesLayout: '5x5', type: 'image', width: 800 }];
  selectedText: ShakaTextTrack | null | undefined = undefined;
  range = { start: 0, end: 600 };
  /** Learn a new element rate a task later (as from a real, queued `ratechange`). */
  rateLag = false;
  /** The speed the engine means (Shaka's PlayRateController rate): the video's, but not its 0 while buffering. */
  #rate = 1;
  #buffering = false;

  attach(video: HTMLMediaElement): Promise<void> {
    this.attached = video;
    // As Shaka's Player.onRateChange_: a non-zero change is the app's new speed; while buffering
    // the element is put back at 0 (PlayRateController.apply_).
    video.addEventListener('ratechange', () => {
      const r = video.playbackRate;
      if (r === 0) return;
      const adopt = () => {
        this.#rate = r;
        if (this.#buffering) video.playbackRate = 0;
      };
      // A browser fires `ratechange` as a task after the change: with `rateLag`, the engine
      // learns the new rate only later, as Shaka does.
      if (this.rateLag) setTimeout(adopt, 0);
      else adopt();
    });
    return Promise.resolve();
  }
  /** Shaka buffering: the element is held at rate 0 (it stays "playing"), then given its speed back. */
  buffer(on: boolean): void {
    const video = this.attached as HTMLMediaElement;
    this.#buffering = on;
    video.playbackRate = on ? 0 : this.#rate;
    this.dispatchEvent(Object.assign(new Event('buffering'), { buffering: on }));
  }
  getPlaybackRate(): number {
    return this.#rate;
  }
  configure(config: object): boolean {
    this.configs.push(config);
    return true;
  }
  async load(uri: string, startTime?: number | null): Promise<unknown> {
    this.loads.push({ uri, startTime });
    const err = this.loadError;
    this.loadError = null;
    if (err) throw err;
    // A fresh load starts with the engine's defaults: the first audio, no text.
    this.audio = this.audio.map((t, i) => ({ ...t, active: i === 0 }));
    this.text = this.text.map((t) => ({ ...t, active: false }));
    return undefined;
  }
  destroy(): Promise<unknown> {
    this.destroyed = true;
    return Promise.resolve();
  }
  seekRange() {
    return this.range;
  }
  retryStreaming(): boolean {
    return true;
  }
  getNetworkingEngine() {
    return { registerRequestFilter: (f: (type: unknown, request: EngineRequest) => Promise<void> | void) => void this.filters.push(f) };
  }
  override addEventListener(type: string, listener: (event: Event) => void): void {
    super.addEventListener(type, listener);
  }
  getAudioTracks() {
    return this.audio.map((t) => ({ ...t }));
  }
  selectAudioTrack(track: ShakaAudioTrack): void {
    this.audio = this.audio.map((t) => ({ ...t, active: t.language === track.language }));
    this.dispatchEvent(new Event('variantchanged'));
  }
  getTextTracks() {
    return this.text.map((t) => ({ ...t }));
  }
  selectTextTrack(track: ShakaTextTrack | null): void {
    this.selectedText = track;
    this.text = this.text.map((t) => ({ ...t, active: track !== null && t.id === track.id }));
    this.dispatchEvent(new Event('textchanged'));
  }
  getImageTracks() {
    return this.images;
  }
  async getThumbnails(trackId: number | null, time: number): Promise<ShakaThumbnail | null> {
    if (trackId !== 9) return null;
    const index = Math.floor(time / 5);
    return {
      codecs: null, duration: 5, endByte: null, height: 90, imageHeight: 450, imageWidth: 800, mimeType: 'image/jpeg',
      positionX: (index % 5) * 160, positionY: Math.floor(index / 5) % 5 * 90, segment: null, sprite: true, startByte: 0,
      startTime: index * 5, uris: [`https://media.test/p/thumbs-${Math.floor(index / 25) + 1}.jpg`], width: 160,
    };
  }
}

/** A factory handing out FakeEngines (the last one made is `engines.last`). */
export function fakeEngines(): EngineFactory & { made: FakeEngine[]; containers: (HTMLElement | null)[]; last: () => FakeEngine } {
  const made: FakeEngine[] = [];
  const containers: (HTMLElement | null)[] = [];
  return {
    made,
    containers,
    supported: () => true,
    create(container) {
      containers.push(container);
      const e = new FakeEngine();
      made.push(e);
      return e;
    },
    last: () => {
      const e = made.at(-1);
      if (!e) throw new Error('no engine made yet');
      return e;
    },
  };
}
