import { expect, test } from "bun:test";
import { status } from "@grpc/grpc-js";
import type { CallError } from "../src/client/call-error.ts";
import { StreamSlots } from "../src/client/stream-slots.ts";

/** How a wait ended: "granted", or the CallError's code and details. */
async function waited(wait: Promise<CallError | null>): Promise<unknown> {
  const ended = await wait;
  return ended === null ? "granted" : { code: ended.code, details: ended.details };
}

test("hands out `limit` slots, then none until one is released", () => {
  const slots = new StreamSlots(2);

  const taken = [slots.tryTake(), slots.tryTake(), slots.tryTake()];
  slots.release();

  expect([...taken, slots.tryTake()]).toEqual([true, true, false, true]);
});

test("a released slot goes to the call that has waited longest", async () => {
  const slots = new StreamSlots(1);
  slots.tryTake();
  const order: string[] = [];
  const first = slots.wait(2_000).then(() => order.push("first"));
  const second = slots.wait(2_000).then(() => order.push("second"));

  slots.release();
  await first;
  slots.release();
  await second;

  expect({ order, free: slots.tryTake() }).toEqual({ order: ["first", "second"], free: false });
});

const endings = [
  {
    name: "its deadline passes: DEADLINE_EXCEEDED",
    wait: (slots: StreamSlots) => slots.wait(50),
    want: {
      code: status.DEADLINE_EXCEEDED,
      details: "Deadline of 50 ms exceeded while waiting for one of 1 streams",
    },
  },
  {
    name: "its signal aborts: CANCELLED",
    wait: (slots: StreamSlots) => {
      const controller = new AbortController();
      const wait = slots.wait(2_000, controller.signal);
      controller.abort();
      return wait;
    },
    want: { code: status.CANCELLED, details: "Cancelled on client" },
  },
  {
    name: "its signal had already aborted: CANCELLED",
    wait: (slots: StreamSlots) => slots.wait(2_000, AbortSignal.abort()),
    want: { code: status.CANCELLED, details: "Cancelled on client" },
  },
];

test.each(endings)(
  "a wait ends when $name, and its place goes to the next call",
  async ({ wait, want }) => {
    const slots = new StreamSlots(1);
    slots.tryTake();

    const ended = await waited(wait(slots));
    const next = waited(slots.wait(2_000));
    slots.release();

    expect({ ended, next: await next }).toEqual({ ended: want, next: "granted" });
  },
);
