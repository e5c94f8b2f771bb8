/**
 * A 4-digit PIN by remote: an on-screen keypad (1–9, then 0 and Delete) moved through with the
 * arrows, OK entering the focused digit; the remote's number keys type digits directly
 * (remote.ts `useRemoteDigits`); Back deletes the last digit, and on an empty PIN closes the
 * pad. The fourth digit submits; a refused PIN empties the boxes and the reason is read out
 * (role=alert), focus staying on the keypad so the next try needs no move.
 */
import { FocusContext, setFocus, useFocusable } from '@noriginmedia/norigin-spatial-navigation';
import { useEffect, useId, useState } from 'react';
import { useT } from '../ui/context.tsx';
import { Icon } from '../ui/icons.tsx';
import { useRemote, useRemoteDigits } from './remote.ts';
import { TvButton } from './TvButton.tsx';

const PIN_LENGTH = 4;
/** The keypad as on a phone (a 3-column grid: 0 under 8, Delete right of it); null is Delete. */
const KEYS: readonly (number | null)[] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 0, null];

/** Props of the pad. */
export interface TvPinPadProps {
  /** Whose PIN (the lead sentence names them). */
  name: string;
  /** A submit is in flight: digits are ignored. */
  busy: boolean;
  /** Why the last PIN was refused (null: none). */
  error: string | null;
  /** Check a complete PIN; false when refused (the pad empties). */
  onSubmit: (pin: string) => Promise<boolean>;
  /** Back on an empty PIN. */
  onCancel: () => void;
}

/** The PIN pad. */
export function TvPinPad({ name, busy, error, onSubmit, onCancel }: TvPinPadProps) {
  const t = useT();
  const leadId = useId();
  const [pin, setPin] = useState('');
  const { ref, focusKey } = useFocusable<object, HTMLDivElement>({ focusKey: 'tv-pin', isFocusBoundary: true, trackChildren: true });

  useEffect(() => {
    setFocus('pin:1');
  }, []);

  const type = (digit: number) => {
    if (busy || pin.length >= PIN_LENGTH) return;
    const next = pin + String(digit);
    setPin(next);
    if (next.length === PIN_LENGTH) void onSubmit(next).then((ok) => !ok && setPin(''));
  };
  const erase = () => setPin((p) => p.slice(0, -1));

  useRemoteDigits((d) => {
    type(d);
    return true;
  });
  useRemote(({ action, phase }) => {
    if (action !== 'back') return false;
    if (phase === 'down') {
      if (pin.length > 0) erase();
      else onCancel();
    }
    return true;
  });

  return (
    <div ref={ref} className="tv-pin" data-testid="tv-pin">
      <p id={leadId} className="tv-pin-lead">
        <Icon name="lock" size={28} /> {t('profiles.pin.lead', { name })}
      </p>
      <div className="tv-pin-boxes" role="img" aria-label={t('profiles.pin.digits', { count: pin.length })} data-testid="pin-boxes" data-count={pin.length}>
        {Array.from({ length: PIN_LENGTH }, (_, i) => (
          <span key={i} className={`tv-pin-box${i < pin.length ? ' is-filled' : ''}`} aria-hidden="true" />
        ))}
      </div>
      {error && (
        <p className="tv-callout tv-pin-error" role="alert" data-testid="pin-error">
          <Icon name="alert" size={24} /> {error}
        </p>
      )}
      <FocusContext.Provider value={focusKey}>
        <div className="tv-pin-pad" role="group" aria-labelledby={leadId}>
          {KEYS.map((d) =>
            d === null ? (
              <TvButton key="del" focusKey="pin:del" className="tv-btn tv-pin-key" label={t('profiles.pin.delete')} onPress={erase}>
                <Icon name="back" size={32} />
              </TvButton>
            ) : (
              <TvButton key={d} focusKey={`pin:${d}`} className={`tv-btn tv-pin-key${d === 0 ? ' tv-pin-zero' : ''}`} onPress={() => type(d)}>
                {d}
              </TvButton>
            ),
          )}
        </div>
      </FocusContext.Provider>
      <p className="tv-hints" aria-hidden="true">
        {t('tv.hints.pin')}
      </p>
    </div>
  );
}
