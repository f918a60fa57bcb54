import { expect, test } from "bun:test";
import fc from "fast-check";
import { parseGrpcTimeout } from "../src/server/grpc-timeout.ts";
import { percentEncoded } from "../src/server/status-headers.ts";

// The two texts of gRPC's HTTP/2 mapping the kit's server reads or writes by hand
// (PROTOCOL-HTTP2.md): grpc-timeout and grpc-message.

test("grpc-message: any text decodes back to itself, well-formed", () => {
  fc.assert(
    fc.property(fc.string({ unit: "binary" }), (text) => {
      expect(decodeURIComponent(percentEncoded(text))).toBe(text.toWellFormed());
    }),
  );
});

test("grpc-message: printable ASCII but '%' is sent as is, everything else as %XX", () => {
  fc.assert(
    fc.property(fc.string({ unit: "binary" }), (text) => {
      const encoded = percentEncoded(text);
      expect(encoded).toMatch(/^(?:[\x20-\x24\x26-\x7e]|%[0-9A-F]{2})*$/);
    }),
  );
  expect(percentEncoded("a: b/c?")).toBe("a: b/c?");
  expect(percentEncoded("100% ☺\n")).toBe("100%25 %E2%98%BA%0A");
});

const timeouts: { value: string | undefined; ms: number | undefined | null }[] = [
  { value: "1H", ms: 3_600_000 },
  { value: "2M", ms: 120_000 },
  { value: "3S", ms: 3_000 },
  { value: "250m", ms: 250 },
  { value: "1500u", ms: 1.5 },
  { value: "99999999n", ms: 99.999999 },
  { value: undefined, ms: undefined },
  { value: "", ms: null },
  { value: "5", ms: null },
  { value: "123456789m", ms: null },
  { value: "-1S", ms: null },
  { value: "1.5S", ms: null },
  { value: "10s", ms: null },
];

test.each(timeouts.map((t) => ({ ...t, name: JSON.stringify(t.value), want: String(t.ms) })))(
  "grpc-timeout $name reads as $want (null: malformed)",
  ({ value, ms }) => {
    expect(parseGrpcTimeout(value)).toBe(ms);
  },
);

test("grpc-timeout: every value the kit's client writes reads back as sent", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 99_999_999 }), (ms) => {
      expect(parseGrpcTimeout(`${ms}m`)).toBe(ms);
    }),
  );
});
