import type { JsonOut } from "./json-out.ts";
import { timestampInRange } from "./well-known.ts";

// A Timestamp's JSON written as bytes, exactly as timestampJson (well-known.ts) writes it, without
// a Date and its toISOString (~0.25 µs each, two per note): the civil date from the day number
// (Howard Hinnant's days-to-civil algorithm), then fixed-width digits.

const SECONDS_PER_DAY = 86_400;

/** `"YYYY-MM-DDTHH:MM:SS.mmmZ"`, or with 6 or 9 digits when the nanos need them. */
export function writeTimestamp(out: JsonOut, seconds: number, nanos: number): void {
  if (!timestampInRange(seconds, nanos)) {
    throw new Error("google.protobuf.Timestamp out of range");
  }
  const days = Math.floor(seconds / SECONDS_PER_DAY);
  const ofDay = seconds - days * SECONDS_PER_DAY;
  out.ensure(32);
  out.byte(QUOTE);
  writeDate(out, days);
  out.byte(0x54); // T
  digits(out, Math.floor(ofDay / 3600), 2);
  out.byte(COLON);
  digits(out, Math.floor(ofDay / 60) % 60, 2);
  out.byte(COLON);
  digits(out, ofDay % 60, 2);
  out.byte(0x2e); // .
  if (nanos % 1_000_000 === 0) {
    digits(out, nanos / 1_000_000, 3);
  } else if (nanos % 1_000 === 0) {
    digits(out, nanos / 1_000, 6);
  } else {
    digits(out, nanos, 9);
  }
  out.byte(0x5a); // Z
  out.byte(QUOTE);
}

/** Days since 1970-01-01 as YYYY-MM-DD (years 1 to 9999). */
function writeDate(out: JsonOut, days: number): void {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1_460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  digits(out, yearOfEra + era * 400 + (month <= 2 ? 1 : 0), 4);
  out.byte(DASH);
  digits(out, month, 2);
  out.byte(DASH);
  digits(out, day, 2);
}

/** A non-negative integer in exactly `width` decimal digits, zeros first. */
function digits(out: JsonOut, value: number, width: number): void {
  const { bytes } = out;
  let rest = value;
  for (let i = out.pos + width - 1; i >= out.pos; i--) {
    bytes[i] = 0x30 + (rest % 10);
    rest = Math.floor(rest / 10);
  }
  out.pos += width;
}

const QUOTE = 0x22;
const COLON = 0x3a;
const DASH = 0x2d;
