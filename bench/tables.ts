import type { Spread } from "./stats.ts";

// Markdown tables and the number formats every table of the report uses.

export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

export function spreadText(value: Spread, format: (value: number) => string): string {
  if (value.min === value.max) {
    return format(value.median);
  }
  return `${format(value.median)} (${format(value.min)}–${format(value.max)})`;
}

export function ratioText(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) {
    return "—";
  }
  return `${value >= 10 ? value.toFixed(0) : value.toFixed(2)}×`;
}

export function coresText(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? "—" : value.toFixed(2);
}

export function rate(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

export function ms(value: number): string {
  if (!Number.isFinite(value)) {
    return "?";
  }
  if (value < 10) {
    return value.toFixed(2);
  }
  return value < 100 ? value.toFixed(1) : value.toFixed(0);
}
