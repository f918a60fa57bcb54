import { readFileSync } from "node:fs";
import { ConfigError } from "./env.ts";

// Docker secrets and the like hand a process a file (/run/secrets/<name>), not a value: a value
// in the environment shows in `docker inspect`, in /proc/<pid>/environ and in crash dumps.

type Env = Record<string, string | undefined>;

/** Reads a file's text; throws (with the system's error code) when it cannot. */
export type ReadSecretFile = (path: string) => string;

const readUtf8: ReadSecretFile = (path) => readFileSync(path, "utf8");

/**
 * For each secret setting NAME whose NAME_FILE is set, a copy of `env` with NAME holding that
 * file's content (one trailing newline dropped: editors and `echo` add one). Throws ConfigError
 * listing every problem by variable name and path, never by content: NAME and NAME_FILE both
 * set, or a file that cannot be read. An empty file leaves NAME empty, which parseEnv counts as
 * unset: compose needs every secret's file to exist, so an unused one (a sign-in provider not
 * offered) is an empty file.
 */
export function withSecretFiles(
  env: Env,
  names: readonly string[],
  read: ReadSecretFile = readUtf8,
): Env {
  const result: Env = { ...env };
  const problems: string[] = [];
  for (const name of names) {
    const path = env[`${name}_FILE`];
    if (path === undefined || path === "") {
      continue;
    }
    const outcome = secretFrom(name, path, env[name], read);
    if ("problem" in outcome) {
      problems.push(outcome.problem);
    } else {
      result[name] = outcome.value;
    }
  }
  if (problems.length > 0) {
    throw new ConfigError(`invalid environment: ${problems.join("; ")}`);
  }
  return result;
}

function secretFrom(
  name: string,
  path: string,
  direct: string | undefined,
  read: ReadSecretFile,
): { value: string } | { problem: string } {
  if (direct !== undefined && direct !== "") {
    return { problem: `${name} and ${name}_FILE are both set: set one of them` };
  }
  let content: string;
  try {
    content = read(path);
  } catch (error) {
    // The code (ENOENT, EACCES) says what is wrong; a message could in principle quote content.
    const code = (error as { code?: unknown }).code;
    const why = typeof code === "string" ? code : "unreadable";
    return { problem: `${name}_FILE: cannot read ${path} (${why})` };
  }
  return { value: content.replace(/\r?\n$/, "") };
}
