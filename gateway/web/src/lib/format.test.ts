import { expect, test } from "bun:test";
import { describeTime, initials } from "./format.ts";

const NOW = new Date("2026-06-15T12:00:00.000Z");

test.each([
  { ago: "2026-06-15T11:59:30.000Z", want: "just now" },
  { ago: "2026-06-15T11:55:00.000Z", want: "5 minutes ago" },
  { ago: "2026-06-15T09:00:00.000Z", want: "3 hours ago" },
  { ago: "2026-06-14T11:00:00.000Z", want: "yesterday" },
  { ago: "2026-06-11T12:00:00.000Z", want: "4 days ago" },
  { ago: "2026-03-03T12:00:00.000Z", want: "Mar 3" },
  { ago: "2025-12-24T12:00:00.000Z", want: "Dec 24, 2025" },
  { ago: "not a date", want: "" },
])("describeTime($ago) is $want", ({ ago, want }) => {
  expect(describeTime(ago, NOW)).toBe(want);
});

test.each([
  { name: "Ada Lovelace", want: "AL" },
  { name: "Grace Brewster Murray Hopper", want: "GH" },
  { name: "octocat", want: "O" },
  { name: "  ", want: "" },
  { name: "élodie durand", want: "ÉD" },
])("initials($name) is $want", ({ name, want }) => {
  expect(initials(name)).toBe(want);
});
