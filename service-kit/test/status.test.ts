import { expect, test } from "bun:test";
import { status as grpcJsStatus } from "@grpc/grpc-js";
import { status, statusName } from "../src/wire/status.ts";

// The kit's own table must say what grpc-js's enum says: both sides of every call read the
// numbers, and logs, spans and metrics the names.
const grpcJsCodes: [string, number][] = Object.entries(grpcJsStatus).filter(
  (entry): entry is [string, number] => typeof entry[1] === "number",
);

test("the kit's codes are grpc-js's, name for name", () => {
  expect(Object.entries(status) as [string, number][]).toEqual(grpcJsCodes);
});

test.each(grpcJsCodes)("statusName reads %s back from %d", (name, code) => {
  expect(statusName(code)).toBe(name);
});

test.each([-1, 17, 1.5, Number.NaN])("statusName(%d) is no name", (code) => {
  expect(statusName(code)).toBeUndefined();
});
