import { expect, test } from "bun:test";
import { waitFor } from "./children.ts";

// The dev runner's wait for a process to be ready ends by the clock, whatever one check costs.

test("gives up at its deadline even when each check takes long", async () => {
  const slowNever = async () => {
    await Bun.sleep(150);
    return false;
  };
  // Counting 300 attempts instead, this would run for 75 s, past the test's 5 s timeout.
  await expect(waitFor("slow", slowNever, 400)).rejects.toThrow("slow was not ready within 0.4 s");
});

test.each([
  { name: "ready at once", answers: [true] },
  { name: "ready on the third check", answers: [false, false, true] },
  { name: "ready after a failing check", answers: ["throw", true] },
])("returns when $name", async ({ answers }) => {
  let calls = 0;
  const ready = async () => {
    const answer = answers[Math.min(calls++, answers.length - 1)];
    if (answer === "throw") {
      throw new Error("connection refused");
    }
    return answer === true;
  };
  await waitFor("x", ready, 5_000);
  expect(calls).toBe(answers.length);
});
