/**
 * Polls `check` until it holds; throws naming `what` after `withinMs`. The limit only ends a wait
 * that would never succeed: tests assert what happened, never how fast.
 */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  withinMs = 10_000,
): Promise<void> {
  const until = Date.now() + withinMs;
  while (!(await check())) {
    if (Date.now() >= until) {
      throw new Error(`gave up waiting for ${what}`);
    }
    await Bun.sleep(20);
  }
}
