import { type DescMessage, fromBinary, toJson } from "@bufbuild/protobuf";
import fc from "fast-check";
import { timestampsWithMillis } from "../timestamp-millis.ts";

// Random messages of the books contract's Record and Label (testing/books.ts): every shape the
// gateway's binary-json/ path writes itself.

const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const uint64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
const uint32 = fc.integer({ min: 0, max: 2 ** 32 - 1 });
const float32 = fc.float({ noDefaultInfinity: false }).map(Math.fround);
const nanos = fc.oneof(
  fc.constant(0),
  fc.integer({ min: 0, max: 999 }).map((ms) => ms * 1_000_000),
  fc.integer({ min: 0, max: 999_999_999 }),
);
const timestamp = fc.record({
  seconds: fc.bigInt({ min: -62135596800n, max: 253402300799n }),
  nanos,
});
const duration = fc
  .tuple(fc.bigInt({ min: -315576000000n, max: 315576000000n }), nanos)
  .map(([seconds, n]) => ({ seconds, nanos: seconds < 0n ? -n : seconds === 0n ? n : n }));
const color = fc.constantFrom(0, 1, 2, 7);

export const { label } = fc.letrec((tie) => ({
  label: fc.record(
    {
      key: fc.string(),
      weight: int64,
      time: timestamp,
      child: fc.option(tie("label"), { nil: undefined, depthSize: "small" }),
    },
    { requiredKeys: [] },
  ),
}));

export const record = fc.record(
  {
    vDouble: fc.double(),
    vFloat: float32,
    vInt64: int64,
    vUint64: uint64,
    vInt32: fc.integer(),
    vFixed64: uint64,
    vFixed32: uint32,
    vBool: fc.boolean(),
    vString: fc.string({ unit: "grapheme" }),
    vBytes: fc.uint8Array({ maxLength: 12 }),
    vUint32: uint32,
    vSfixed32: fc.integer(),
    vSfixed64: int64,
    vSint32: fc.integer(),
    vSint64: int64,
    color,
    colors: fc.array(color, { maxLength: 3 }),
    numbers: fc.array(int64, { maxLength: 3 }),
    names: fc.array(fc.string(), { maxLength: 3 }),
    label,
    labels: fc.array(label, { maxLength: 2 }),
    loan: duration,
    // protobuf-es holds a wrapper field as its value.
    stock: int64,
    note: fc.string(),
    format: fc.oneof(
      fc.record({ case: fc.constant("isbn" as const), value: fc.string() }),
      fc.record({ case: fc.constant("catalog" as const), value: fc.integer() }),
      fc.constant({ case: undefined }),
    ),
    doubles: fc.array(fc.double(), { maxLength: 3 }),
  },
  { requiredKeys: [] },
);

/** What the gateway must answer for `bytes`: protobuf-es's JSON with timestamp-millis.ts. */
export function protobufEsJson(schema: DescMessage, bytes: Uint8Array): string {
  const json = toJson(schema, fromBinary(schema, bytes), { alwaysEmitImplicit: true });
  timestampsWithMillis(schema, json);
  return JSON.stringify(json);
}
