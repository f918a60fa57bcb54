import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../src/config/env.ts";
import { withSecretFiles } from "../src/config/secret-files.ts";

const SECRET = "s3cret-value-never-shown";
const dir = mkdtempSync(join(tmpdir(), "secret-files-"));
const file = (name: string, content: string): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const plain = file("plain", SECRET);
const newline = file("newline", `${SECRET}\n`);
const crlf = file("crlf", `${SECRET}\r\n`);
const twoNewlines = file("two", `${SECRET}\n\n`);
const empty = file("empty", "\n");
const missing = join(dir, "missing");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("withSecretFiles", () => {
  test.each([
    ["NAME_FILE unset: NAME as given", { KEY: SECRET }, SECRET],
    ["NAME_FILE empty: NAME as given", { KEY: SECRET, KEY_FILE: "" }, SECRET],
    ["neither set", {}, undefined],
    ["the file's content", { KEY_FILE: plain }, SECRET],
    ["one trailing newline dropped", { KEY_FILE: newline }, SECRET],
    ["a trailing CRLF dropped", { KEY_FILE: crlf }, SECRET],
    ["only one newline dropped", { KEY_FILE: twoNewlines }, `${SECRET}\n`],
    ["an empty NAME beside NAME_FILE counts as unset", { KEY: "", KEY_FILE: plain }, SECRET],
    ["an empty file: empty, which parseEnv counts as unset", { KEY_FILE: empty }, ""],
  ])("%s", (_, env: Record<string, string>, want) => {
    expect(withSecretFiles(env, ["KEY"]).KEY).toBe(want);
  });

  test("leaves variables it is not told about, and the input, alone", () => {
    const env = { KEY_FILE: plain, OTHER_FILE: plain, PORT: "1" };
    const got = withSecretFiles(env, ["KEY"]);
    expect(got).toEqual({ KEY: SECRET, KEY_FILE: plain, OTHER_FILE: plain, PORT: "1" });
    expect(env).toEqual({ KEY_FILE: plain, OTHER_FILE: plain, PORT: "1" });
  });

  test.each([
    ["both set", { KEY: SECRET, KEY_FILE: plain }, "KEY and KEY_FILE are both set"],
    ["a missing file", { KEY_FILE: missing }, `KEY_FILE: cannot read ${missing} (ENOENT)`],
    ["a directory", { KEY_FILE: dir }, `KEY_FILE: cannot read ${dir} (EISDIR)`],
  ])("refuses %s, naming the variables but not the secret", (_, env, want) => {
    const attempt = () => withSecretFiles(env, ["KEY"]);
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(want);
    expect(messageOf(attempt)).not.toContain(SECRET);
  });

  test("lists every problem at once", () => {
    const env = { A: SECRET, A_FILE: plain, B_FILE: missing };
    expect(messageOf(() => withSecretFiles(env, ["A", "B"]))).toBe(
      `invalid environment: A and A_FILE are both set: set one of them; B_FILE: cannot read ${missing} (ENOENT)`,
    );
  });

  test("a reader's error message, which might quote content, is not repeated", () => {
    const read = () => {
      throw new Error(`parse failed near ${SECRET}`);
    };
    const attempt = () => withSecretFiles({ KEY_FILE: "/x" }, ["KEY"], read);
    expect(messageOf(attempt)).toBe("invalid environment: KEY_FILE: cannot read /x (unreadable)");
  });

  test.skipIf(process.getuid?.() === 0)("an unreadable file names its path and EACCES", () => {
    const locked = file("locked", SECRET);
    chmodSync(locked, 0o000);
    expect(() => withSecretFiles({ KEY_FILE: locked }, ["KEY"])).toThrow(
      `KEY_FILE: cannot read ${locked} (EACCES)`,
    );
  });
});

function messageOf(attempt: () => unknown): string {
  try {
    attempt();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error("expected a throw");
}
