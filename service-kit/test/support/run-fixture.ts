/**
 * Runs a fixture script in a process of its own with only PATH and `env` (so the test's own
 * OTEL_* settings never leak in), killed after 15 s; its last stdout line is its JSON result.
 */
export async function runFixture<Result>(
  fixture: string,
  env: Record<string, string>,
): Promise<{ result: Result; stderr: string; exitCode: number }> {
  const child = Bun.spawn([process.execPath, fixture], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  clearTimeout(timer);
  const last = stdout.trim().split("\n").at(-1) ?? "";
  return { result: JSON.parse(last) as Result, stderr, exitCode };
}
