import { invalidArgument } from "./errors.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Returns `value` as a lower-case UUID, or throws INVALID_ARGUMENT naming `field`. */
export function requireUuid(value: string, field: string): string {
  if (value === "") {
    throw invalidArgument(`${field}: is required`);
  }
  if (!UUID.test(value)) {
    throw invalidArgument(`${field}: must be a UUID`);
  }
  return value.toLowerCase();
}

export interface TextRule {
  /** Fewest characters allowed; with min >= 1, text of only whitespace is refused too. */
  min: number;
  /** Most characters allowed, counted in Unicode code points as Postgres' char_length does. */
  max: number;
}

/** Returns `value` unchanged when it fits `rule`, or throws INVALID_ARGUMENT naming `field`. */
export function requireText(value: string, field: string, rule: TextRule): string {
  // Postgres text cannot hold U+0000; refusing it here keeps it from surfacing as INTERNAL.
  if (value.includes("\u0000")) {
    throw invalidArgument(`${field}: must not contain NUL characters`);
  }
  if (rule.min > 0 && value.trim() === "") {
    throw invalidArgument(`${field}: must not be empty`);
  }
  const length = codePointLength(value);
  if (length < rule.min) {
    throw invalidArgument(`${field}: must have at least ${rule.min} characters`);
  }
  if (length > rule.max) {
    throw invalidArgument(`${field}: must have at most ${rule.max} characters (got ${length})`);
  }
  return value;
}

function codePointLength(value: string): number {
  let length = 0;
  for (const _ of value) {
    length++;
  }
  return length;
}
