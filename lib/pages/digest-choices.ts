import { formatHour } from '../email/format';
import { WEEKDAYS } from '../subscriptions/model';

/** The weekly digest days in the order a form lists them: the week starts on Monday. */
export const DIGEST_WEEKDAYS = [...WEEKDAYS.slice(1), WEEKDAYS[0]] as const;

export const DIGEST_HOURS = Array.from({ length: 24 }, (_, hour) => hour);

/** "07:00". */
export const hourLabel = formatHour;

/** "Monday". */
export const weekdayLabel = (day: string) => day.charAt(0).toUpperCase() + day.slice(1);
