// Turns a JSON log line into "12:00:01 info  message key=value ..." for the dev console; any
// other line passes through as it is.
const hidden = new Set(["level", "time", "service", "message", "msg", "pid", "hostname"]);

export function formatLogLine(line: string): string {
  if (!line.startsWith("{")) {
    return line;
  }
  try {
    const entry = JSON.parse(line) as Record<string, unknown>;
    const time = typeof entry.time === "string" ? entry.time.slice(11, 19) : "";
    const level = String(entry.level ?? "").padEnd(5);
    const message = String(entry.message ?? entry.msg ?? "");
    const fields = Object.entries(entry)
      .filter(([key]) => !hidden.has(key))
      .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`)
      .join(" ");
    return `${time} ${level} ${message}${fields === "" ? "" : ` ${fields}`}`;
  } catch {
    return line;
  }
}
