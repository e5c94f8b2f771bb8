/**
 * Shaka's track and thumbnail shapes, as types only (`import type` erases the import: nothing
 * of the library is loaded by the modules that use them).
 */
import type shakaModule from 'shaka-player/dist/shaka-player.dash.js';

type Shaka = typeof shakaModule.default;
type PlayerOf = InstanceType<Shaka['Player']>;

/** An audio track (language, label, roles, channels). */
export type ShakaAudioTrack = ReturnType<PlayerOf['getAudioTracks']>[number];
/** A text (subtitle) track. */
export type ShakaTextTrack = ReturnType<PlayerOf['getTextTracks']>[number];
/** An image (thumbnails) track. */
export type ShakaImageTrack = ReturnType<PlayerOf['getImageTracks']>[number];
/** One seek-preview thumbnail: a tile of a sprite sheet. */
export type ShakaThumbnail = NonNullable<Awaited<ReturnType<PlayerOf['getThumbnails']>>>;
