import type { AnswerClass, ScenarioResult } from "../../test/chaos/scenario.ts";

const classes: AnswerClass[] = ["2xx", "4xx", "503", "504", "other 5xx", "no answer"];

/** The results as one Markdown table (the README's reference result is this output). */
export function formatTable(rows: { name: string; result: ScenarioResult | Error }[]): string {
  const header = [
    "fault",
    "requests",
    ...classes,
    "writes acked",
    "writes lost",
    "recovery",
    "detail",
  ];
  const lines = rows.map(({ name, result }) =>
    result instanceof Error ? failedRow(name, result, header.length) : resultRow(result),
  );
  return aligned([header, ...lines]);
}

function resultRow(result: ScenarioResult): string[] {
  return [
    result.fault,
    String(result.requests),
    ...classes.map((kind) => String(result.answers[kind])),
    String(result.writesAcknowledged),
    String(result.writesLost),
    recovery(result.recoveryMs),
    result.detail ?? "",
  ];
}

function failedRow(name: string, error: Error, width: number): string[] {
  const message = error.message.split("\n")[0] ?? "";
  return [name, ...Array<string>(width - 3).fill("-"), `did not run: ${message.slice(0, 120)}`, ""];
}

function recovery(ms: number | null): string {
  if (ms === null) {
    return "no failure";
  }
  return Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : "never";
}

/** Columns padded to their widest cell, as the formatter leaves a Markdown table in a README. */
function aligned([header = [], ...rows]: string[][]): string {
  const widths = header.map((_, column) =>
    Math.max(3, ...[header, ...rows].map((cells) => (cells[column] ?? "").length)),
  );
  const line = (cells: string[]): string =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(" | ")} |`;
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join(
    "\n",
  );
}
