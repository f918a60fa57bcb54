import type { Goal } from "./goals.ts";
import type { BenchReport } from "./report.ts";
import { ms, table } from "./tables.ts";

// The last table of the report: issue 8's goals, measured in this run.

export function goalsSection(report: BenchReport): string[] {
  if (report.goals.length === 0) {
    return [];
  }
  const missed = report.goals.filter((goal) => goal.result === "miss").length;
  const passed = report.goals.filter((goal) => goal.result === "pass").length;
  return [
    `Goals (issues 8 and 24): ${passed} passed, ${missed} missed, ` +
      `${report.goals.length - passed - missed} not measured in this run` +
      (report.quick ? " (--quick: single short runs, not the goals' conditions)" : "") +
      ". A miss is reported, not an error.",
    table(
      ["goal", "measured", "target", "result"],
      report.goals.map((goal) => [
        goal.goal,
        goal.value === null ? "—" : valueText(goal.value, goal.unit),
        `${goal.comparison} ${valueText(goal.target, goal.unit)}`,
        goal.result === "miss" ? "**miss**" : goal.result,
      ]),
    ),
  ];
}

function valueText(value: number, unit: Goal["unit"]): string {
  switch (unit) {
    case "×":
      return `${value.toFixed(2)}×`;
    case "ms":
      return `${ms(value)} ms`;
    case "MB":
      return `${Math.round(value)} MB`;
    case "%":
      return `${value.toFixed(1)}%`;
    case "scenarios":
      return String(value);
  }
}
