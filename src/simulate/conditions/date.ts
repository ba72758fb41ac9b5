/**
 * Date operators. Values are ISO 8601 (`2026-01-01`, `2026-01-01T12:00:00Z`, with an offset or
 * fractional seconds) or epoch seconds (`1767225600`, what `aws:EpochTime` holds). A date-time
 * without a zone is UTC, never the local time of the machine running the simulation.
 */
import { type ValueMatcher, parsedMatcher } from './matcher.js';

const ISO_8601 =
  /^(\d{4}-\d{2}-\d{2})(?:[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/;
const EPOCH_SECONDS = /^-?\d+(?:\.\d+)?$/;

/** Milliseconds since the epoch, or undefined for text that is neither form. */
export function parseDate(text: string): number | undefined {
  const trimmed = text.trim();
  if (EPOCH_SECONDS.test(trimmed)) return Number(trimmed) * 1000;
  const match = ISO_8601.exec(trimmed);
  if (!match) return undefined;
  const [, day, hours = '00', minutes = '00', seconds = '00', fraction = '', zone = 'Z'] = match;
  const millis = fraction.padEnd(3, '0').slice(0, 3);
  const time = Date.parse(`${day}T${hours}:${minutes}:${seconds}.${millis}${normalizeZone(zone)}`);
  return Number.isNaN(time) ? undefined : time;
}

/** `Date.parse` wants `Z` or `+hh:mm`; ISO 8601 also allows `+hh` and `+hhmm`. */
function normalizeZone(zone: string): string {
  if (zone === 'Z' || zone === 'z') return 'Z';
  const digits = zone.slice(1).replace(':', '');
  return `${zone.charAt(0)}${digits.slice(0, 2)}:${digits.slice(2, 4).padEnd(2, '0')}`;
}

export const dateMatchers = {
  DateEquals: parsedMatcher(parseDate, (request, policy) => request === policy),
  DateLessThan: parsedMatcher(parseDate, (request, policy) => request < policy),
  DateLessThanEquals: parsedMatcher(parseDate, (request, policy) => request <= policy),
  DateGreaterThan: parsedMatcher(parseDate, (request, policy) => request > policy),
  DateGreaterThanEquals: parsedMatcher(parseDate, (request, policy) => request >= policy),
} satisfies Record<string, ValueMatcher>;
