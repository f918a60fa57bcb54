const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
const sameYear = new Intl.DateTimeFormat("en", { month: "short", day: "numeric" });
const otherYear = new Intl.DateTimeFormat("en", {
  month: "short",
  day: "numeric",
  year: "numeric",
});

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "just now", "5 minutes ago", "yesterday", then a date: how a note's age reads in the list. */
export function describeTime(iso: string, now: Date = new Date()): string {
  const time = new Date(iso);
  const ago = now.getTime() - time.getTime();
  if (Number.isNaN(ago)) {
    return "";
  }
  if (ago < MINUTE) {
    return "just now";
  }
  if (ago < HOUR) {
    return relative.format(-Math.floor(ago / MINUTE), "minute");
  }
  if (ago < DAY) {
    return relative.format(-Math.floor(ago / HOUR), "hour");
  }
  if (ago < 7 * DAY) {
    return relative.format(-Math.floor(ago / DAY), "day");
  }
  return (time.getFullYear() === now.getFullYear() ? sameYear : otherYear).format(time);
}

/** Initials for an avatar that has no picture (or whose picture failed to load). */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words.at(-1)] : [words[0]];
  return letters
    .map((word) => (word === undefined ? "" : ([...word][0] ?? "")))
    .join("")
    .toUpperCase();
}
