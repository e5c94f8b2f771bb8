/** Profile words the TV shares (tv/TvWhoIsWatching): an avatar's letter, a PIN refusal explained. */
import type { Translate } from '../../../common/i18n/index.ts';
import type { ClientErrorCode } from '../api/http.ts';
import type { PinErrorDetail } from '../stores/profiles.ts';
import { errorText } from './Auth.tsx';

/** The first letter of a name, for its avatar. */
export function initial(name: string): string {
  return [...name.trim()][0]?.toUpperCase() ?? '?';
}

/** A PIN refusal explained: tries left before the lock, or how long it lasts. */
export function pinErrorText(error: ClientErrorCode, detail: PinErrorDetail | null, t: Translate): string {
  if (error === 'PIN_WRONG' && detail?.attemptsLeft !== undefined) return t('profiles.pin.wrongLeft', { count: detail.attemptsLeft });
  if (error === 'PIN_LOCKED' && detail?.retryAfterSec !== undefined) return t('profiles.pin.lockedFor', { minutes: Math.max(1, Math.ceil(detail.retryAfterSec / 60)) });
  return errorText(error, t);
}
