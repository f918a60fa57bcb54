/** Polls `check` until it holds or `limitMs` passes; returns its last answer. */
export async function eventually(check: () => Promise<boolean>, limitMs = 3_000): Promise<boolean> {
  const until = Date.now() + limitMs;
  while (Date.now() < until) {
    if (await check()) {
      return true;
    }
    await Bun.sleep(20);
  }
  return check();
}
