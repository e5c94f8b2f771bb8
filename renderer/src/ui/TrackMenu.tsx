/**
 * The audio, subtitle and speed menu of every player: three radio groups built from the player
 * store (what the programme offers, what plays). The desktop and phone click or tab through it;
 * the TV moves a highlighted item with the remote (useTvPlayerRemote owns those keys; its
 * screen has no DOM focus) and gets the same markup.
 */
import { useId } from 'react';
import { useStore } from 'zustand';
import { languageName } from '../../../common/i18n/index.ts';
import type { PlayerController } from '../player/controller.ts';
import { knownLanguage, PLAYBACK_RATES } from '../player/tracks.ts';
import { useLanguage, useRuntime, useT } from './context.tsx';

/** One choice of the menu. */
export interface MenuItem {
  key: string;
  label: string;
  checked: boolean;
  run: () => void;
}

/** One group of the menu. */
export interface MenuSection {
  /** `play-on`: the TV player's "Play on ▸" group (tv/useTvPlayOn.ts). */
  id: 'audio' | 'subtitles' | 'speed' | 'play-on';
  title: string;
  items: MenuItem[];
}

/** Where the TV's highlight is. */
export interface MenuFocus {
  section: number;
  item: number;
}

/** The menu's sections for the viewing in the player store (audio only when there is a choice). */
export function useTrackMenu(controller: PlayerController | null): MenuSection[] {
  const rt = useRuntime();
  const t = useT();
  const lang = useLanguage();
  const audio = useStore(rt.player, (s) => s.audioTracks);
  const subtitles = useStore(rt.player, (s) => s.subtitleTracks);
  const audioLanguage = useStore(rt.player, (s) => s.audioLanguage);
  const subtitleLanguage = useStore(rt.player, (s) => s.subtitleLanguage);
  const rate = useStore(rt.player, (s) => s.playbackRate);
  const live = useStore(rt.player, (s) => s.live);
  const sections: MenuSection[] = [];
  /** A track's language for people; an undetermined one by the track's own label, else "Unknown". */
  const name = (tag: string, label: string | null) => (knownLanguage(tag) ? languageName(tag, lang) : (label ?? t('player.language.unknown')));
  if (audio.length > 1) {
    sections.push({
      id: 'audio',
      title: t('player.audio'),
      items: audio.map((a) => ({ key: a.language, label: name(a.language, a.label), checked: a.language === audioLanguage, run: () => controller?.selectAudio(a.language) })),
    });
  }
  if (subtitles.length > 0) {
    sections.push({
      id: 'subtitles',
      title: t('player.subtitles'),
      items: [
        { key: 'off', label: t('player.subtitles.off'), checked: subtitleLanguage === null, run: () => controller?.selectSubtitles(null) },
        ...subtitles.map((s) => ({ key: s.language, label: name(s.language, s.label), checked: s.language === subtitleLanguage, run: () => controller?.selectSubtitles(s.language) })),
      ],
    });
  }
  // A live channel plays at the broadcast's pace.
  if (!live) {
    sections.push({
      id: 'speed',
      title: t('player.speed'),
      items: PLAYBACK_RATES.map((r) => ({ key: String(r), label: r === 1 ? t('player.speed.normal') : t('player.speed.value', { rate: r }), checked: r === rate, run: () => controller?.setRate(r) })),
    });
  }
  return sections;
}

/** The menu panel; `focus` marks the TV's highlight (null on the desktop). */
export function TrackMenu({ sections, focus = null, className = '' }: { sections: MenuSection[]; focus?: MenuFocus | null; className?: string }) {
  const t = useT();
  const id = useId();
  const tv = focus !== null;
  return (
    <div className={`track-menu ${className}`} role="group" aria-label={t('player.tracks')} data-testid="track-menu">
      {sections.map((section, si) => (
        <div key={section.id} className="track-menu-section" data-section={section.id}>
          <h2 id={`${id}-${section.id}`} className="track-menu-title">
            {section.title}
          </h2>
          <div role="radiogroup" aria-labelledby={`${id}-${section.id}`}>
            {section.items.map((item, ii) => (
              <button
                key={item.key}
                type="button"
                role="radio"
                aria-checked={item.checked}
                className={`track-menu-item${focus && focus.section === si && focus.item === ii ? ' is-focused' : ''}`}
                data-key={item.key}
                tabIndex={tv ? -1 : 0}
                onClick={item.run}
              >
                <span className="track-menu-check" aria-hidden="true">
                  {item.checked ? '✓' : ''}
                </span>
                {item.label}
              </button>
            ))}
          </div>
        </div>
      ))}
    </div>
  );
}
