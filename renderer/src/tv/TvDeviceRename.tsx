/**
 * Renaming a device on the TV. Decision: the platform's own text field, not an on-screen
 * keyboard of ours. A focused `<input>` is where every TV platform brings up its system
 * keyboard (Tizen's and webOS's IME, Android TV's Gboard — with pinyin, handwriting and voice
 * for 简体中文 names, which a letter grid of ours could not offer), and where a TV's USB or
 * Bluetooth keyboard types. The remote reaches it like any item: Up / Down in and out, OK
 * (Enter) saves, Back cancels; while it has focus the typing keys (letters, digits, space,
 * Backspace, ◀ ▶ for the caret) are the field's, not remote actions (remote.ts).
 */
import { setFocus, useFocusable } from '@noriginmedia/norigin-spatial-navigation';
import { useEffect, useId, useState, type KeyboardEvent } from 'react';
import type { Device } from '../../../common/protocol/account.ts';
import { useT } from '../ui/context.tsx';
import { useRemote } from './remote.ts';
import { revealFocused } from './spatial.ts';
import { TvButton } from './TvButton.tsx';

/** Keys the field keeps from spatial navigation (Norigin listens on window, after React). */
const FIELD_KEYS = new Set(['ArrowLeft', 'ArrowRight', ' ', 'Backspace', 'Delete', 'Home', 'End']);

/** The rename field of `device`; `onDone(renamed)` when saved or cancelled. */
export function TvDeviceRename({ device, busy, rename, onDone }: { device: Device; busy: boolean; rename: (name: string) => Promise<boolean>; onDone: (renamed: boolean) => void }) {
  const t = useT();
  const inputId = useId();
  const [name, setName] = useState(device.name);
  const key = `device-name:${device.id}`;
  const { ref, focused } = useFocusable<object, HTMLInputElement>({ focusKey: key, onFocus: () => revealFocused(ref.current) });

  useEffect(() => {
    setFocus(key);
    // Typing replaces the old name; ◀ ▶ keep it and move the caret.
    ref.current?.select();
    // Once, on opening.
  }, []);
  useRemote(({ action, phase }) => {
    if (action !== 'back') return false;
    if (phase === 'down') onDone(false);
    return true;
  });

  const save = async () => {
    if (busy || name.trim() === '') return;
    if (name.trim() === device.name || (await rename(name))) onDone(true);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      e.stopPropagation();
      void save();
    } else if (FIELD_KEYS.has(e.key)) e.stopPropagation();
  };

  return (
    <div className="tv-device-rename" data-testid="tv-device-rename">
      <label htmlFor={inputId}>{t('devices.newName')}</label>
      <input
        id={inputId}
        ref={ref}
        type="text"
        className={`tv-input${focused ? ' is-focused' : ''}`}
        data-focus-key={key}
        value={name}
        maxLength={40}
        autoComplete="off"
        enterKeyHint="done"
        onChange={(e) => setName(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <div className="tv-choices">
        <TvButton focusKey={`device-save:${device.id}`} className="tv-btn tv-btn-primary" onPress={() => void save()}>
          {t('devices.save')}
        </TvButton>
        <TvButton focusKey={`device-rename-cancel:${device.id}`} className="tv-btn" onPress={() => onDone(false)}>
          {t('settings.cancel')}
        </TvButton>
      </div>
    </div>
  );
}
