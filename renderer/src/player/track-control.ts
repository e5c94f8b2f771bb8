/**
 * The viewing's audio, subtitles and speed, for the controller: the choice to keep applying
 * (the carried-on or server's one at first, then the user's), applied after every load (the
 * engine starts afresh), mirrored into the player store, and each user change reported at once.
 */
import type { TrackChoice } from '../../../common/protocol/model.ts';
import { mergeTracks } from '../../../common/tracks.ts';
import type { PlayerStore } from '../stores/player.ts';
import type { PlayerEngine } from './engine.ts';
import { audioOptions, choiceNow, matchLanguage, nearestRate, pickSubtitles, subtitleOptions } from './tracks.ts';

/** What the track control needs. */
export interface TrackControlDeps {
  video: HTMLVideoElement;
  store: PlayerStore;
  /** The engine now (null before the first load and once destroyed). */
  engine: () => PlayerEngine | null;
  /** The viewing ended: the store is no longer updated. */
  closed: () => boolean;
  /** A user change was made (report it now). */
  onUserChange: () => void;
}

/** The track control of one controller. */
export interface TrackControl {
  /** Start a viewing with this choice (null = the engine's defaults). */
  reset(choice: TrackChoice | null): void;
  /** The audio language the engine should prefer when it is made, if any. */
  preferredAudio(): string | null;
  /** Put the tracks on offer and playing into the store. */
  sync(): void;
  /** Apply the kept choice to what is loaded. */
  apply(): void;
  selectAudio(language: string): void;
  selectSubtitles(language: string | null): void;
  setRate(rate: number): void;
  /** The audio, subtitles and speed playing now (the kept choice before any load). */
  now(): TrackChoice;
}

/** Create the track control. */
export function createTrackControl({ video, store, engine, closed, onUserChange }: TrackControlDeps): TrackControl {
  /** The choice to keep applying (initial, then the user's); null = the engine's defaults. */
  let choice: TrackChoice | null = null;
  /** Subtitles are on (the engine has a text track loaded because we asked for one). */
  let subtitlesOn = false;

  /**
   * The speed playing: the element's, except while Shaka holds it at 0 to buffer, when Shaka's
   * own rate says what it will play at. Not Shaka's alone: it learns a new element rate from a
   * `ratechange` event, which arrives after a menu change has already been shown and reported.
   */
  const rateNow = (player: PlayerEngine) => (video.playbackRate > 0 ? video.playbackRate : player.getPlaybackRate());

  const sync = () => {
    const player = engine();
    if (!player || closed()) return;
    const audio = player.getAudioTracks();
    const text = player.getTextTracks();
    const now = choiceNow(audio, text, subtitlesOn, rateNow(player));
    store.getState().setTracks({
      audioTracks: audioOptions(audio),
      subtitleTracks: subtitleOptions(text),
      audioLanguage: now.audioLanguage ?? null,
      subtitleLanguage: now.subtitleLanguage ?? null,
      playbackRate: now.playbackRate ?? 1,
      hasThumbnails: player.getImageTracks().length > 0,
    });
  };
  /** The user changed a track: keep it, show it, report it. */
  const chose = (change: TrackChoice) => {
    choice = mergeTracks(choice, change);
    sync();
    onUserChange();
  };

  return {
    reset(c) {
      choice = c;
    },
    preferredAudio: () => choice?.audioLanguage ?? null,
    sync,
    apply() {
      const player = engine();
      if (!player) return;
      const c = choice;
      if (c?.audioLanguage) {
        const want = matchLanguage(player.getAudioTracks(), c.audioLanguage);
        if (want && !want.active) player.selectAudioTrack(want);
      }
      const text = c?.subtitleLanguage ? pickSubtitles(player.getTextTracks(), c.subtitleLanguage) : null;
      subtitlesOn = text !== null;
      player.selectTextTrack(text);
      if (c?.playbackRate !== undefined) video.playbackRate = nearestRate(c.playbackRate);
      sync();
    },
    selectAudio(language) {
      const player = engine();
      const want = player ? matchLanguage(player.getAudioTracks(), language) : null;
      if (!player || !want) return;
      player.selectAudioTrack(want);
      player.configure({ preferredAudio: [{ language: want.language }] });
      chose({ audioLanguage: want.language });
    },
    selectSubtitles(language) {
      const player = engine();
      if (!player) return;
      const text = pickSubtitles(player.getTextTracks(), language);
      if (language !== null && !text) return;
      subtitlesOn = text !== null;
      player.selectTextTrack(text);
      chose({ subtitleLanguage: text ? text.language : null });
    },
    setRate(rate) {
      const r = nearestRate(rate);
      video.playbackRate = r;
      chose({ playbackRate: r });
    },
    now() {
      const player = engine();
      if (!player) return choice ?? {};
      return choiceNow(player.getAudioTracks(), player.getTextTracks(), subtitlesOn, rateNow(player));
    },
  };
}
