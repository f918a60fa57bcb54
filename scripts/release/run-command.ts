/** What a finished command printed and how it exited. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

type Env = Record<string, string | undefined>;

/** Runs `cmd` to completion with its output captured; never throws on a non-zero exit. */
export async function runCommand(
  cmd: string[],
  options: { cwd: string; env?: Env; timeoutMs?: number },
): Promise<CommandResult> {
  const child = Bun.spawn(cmd, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    timeout: options.timeoutMs,
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  return { code, stdout, stderr };
}

/** Runs `cmd` and returns its stdout; throws with everything it printed when it fails. */
export async function runOrThrow(
  cmd: string[],
  options: { cwd: string; env?: Env; timeoutMs?: number },
): Promise<string> {
  const result = await runCommand(cmd, options);
  if (result.code !== 0) {
    throw new Error(
      `${cmd.join(" ")} (in ${options.cwd}) exited with ${result.code}:\n${result.stdout}${result.stderr}`,
    );
  }
  return result.stdout;
}
