import type { DescField, DescMessage } from "@bufbuild/protobuf";
import { WireType } from "@bufbuild/protobuf/wire";
import { utf8Bytes } from "./json-out.ts";
import {
  enumZero,
  type ReadValue,
  readEnum,
  readScalar,
  scalarWireType,
  scalarZero,
} from "./scalars.ts";
import { type WriteValue, writeValueOf } from "./stream-json-values.ts";
import { timestampJson, type WriteWellKnown, wellKnownWriter } from "./well-known.ts";

/** How one field is read off the wire and written in JSON. */
export type FieldPlan = {
  readonly key: string;
  readonly repeated: boolean;
  /** The wire type of one unpacked value; a packed list comes length-delimited. */
  readonly wireType: WireType;
  readonly packable: boolean;
  /** A scalar or enum value, read as its JSON. */
  readonly read: ReadValue | null;
  /** A message value: its plan (decoded into, then written). */
  readonly message: MessagePlan | null;
  /** What an absent field is written as: implicit presence and lists have one, others none. */
  readonly absent: { readonly json: unknown } | null;
  /** The other members of its oneof, cleared when it is set. */
  readonly oneofSiblings: readonly number[];
  /** Its oneof's index among the message's oneofs, or -1 (stream-json.ts). */
  readonly oneofIndex: number;
  /** `"key":` as UTF-8 (stream-json.ts). */
  readonly keyJson: Uint8Array;
  /** `"key":<absent JSON>` as UTF-8, when an absent field is written. */
  readonly absentJson: Uint8Array | null;
  /** A scalar or enum value written as JSON bytes straight off the wire. */
  readonly writeValue: WriteValue | null;
};

export type MessagePlan = {
  /** In field-number order, as protobuf-es writes JSON. */
  readonly fields: FieldPlan[];
  /** Field number to index in `fields`. */
  readonly byNumber: Map<number, number>;
  /** Its own JSON (a well-known type), or null for an object of its fields. */
  readonly wellKnown: WriteWellKnown | null;
  /** google.protobuf.Timestamp: written from its two numbers (stream-json.ts). */
  readonly timestamp: boolean;
};

const plans = new WeakMap<DescMessage, MessagePlan | null>();

/**
 * The plan that writes `desc`'s binary as proto3 JSON directly, or null when `desc` reaches a
 * type the fast path leaves to protobuf-es: a map, Any, Struct, Value, ListValue, FieldMask,
 * google.protobuf.NullValue, a group, a required field, or extensions.
 */
export function planOf(desc: DescMessage): MessagePlan | null {
  if (plans.has(desc)) {
    return plans.get(desc) ?? null;
  }
  const plan = supported(desc, new Set()) ? compile(desc) : null;
  plans.set(desc, plan);
  return plan;
}

function supported(desc: DescMessage, seen: Set<DescMessage>): boolean {
  if (seen.has(desc)) {
    return true;
  }
  seen.add(desc);
  const wellKnown = wellKnownWriter(desc);
  if (wellKnown === "unsupported" || desc.proto.extensionRange.length > 0) {
    return false;
  }
  // A JS object puts keys that read as array indices first and drops `__proto__`: a json_name
  // like either would not keep its place, or its value, in an object's JSON (found by review).
  if (desc.fields.some((field) => OBJECT_UNSAFE_KEY.test(field.jsonName))) {
    return false;
  }
  return desc.fields.every((field) => {
    if (field.fieldKind === "map" || isGroup(field) || field.presence === 3) {
      return false;
    }
    if (field.enum?.typeName === "google.protobuf.NullValue") {
      return false;
    }
    return field.message === undefined || supported(field.message, seen);
  });
}

const OBJECT_UNSAFE_KEY = /^(0|[1-9]\d*|__proto__)$/;

/** A message field in proto2's group encoding (delimited, not length-prefixed). */
const isGroup = (field: DescField): boolean =>
  "delimitedEncoding" in field && field.delimitedEncoding === true;

function compile(desc: DescMessage): MessagePlan {
  const fields: FieldPlan[] = [];
  const wellKnown = wellKnownWriter(desc);
  const plan: MessagePlan = {
    fields,
    byNumber: new Map(),
    wellKnown: typeof wellKnown === "function" ? wellKnown : null,
    timestamp: wellKnown === timestampJson,
  };
  // Registered first, so that a recursive type finds itself instead of compiling forever.
  plans.set(desc, plan);
  const sorted = [...desc.fields].sort((a, b) => a.number - b.number);
  sorted.forEach((field, index) => {
    plan.byNumber.set(field.number, index);
  });
  for (const field of sorted) {
    fields.push(fieldPlan(field, sorted, plan.byNumber));
  }
  return plan;
}

function fieldPlan(field: DescField, all: DescField[], byNumber: Map<number, number>): FieldPlan {
  const message = field.message === undefined ? null : planOf(field.message);
  const repeated = field.fieldKind === "list";
  const { scalar, oneof } = field;
  const read = readerOf(field);
  const absent = repeated
    ? { json: [] }
    : field.presence === 2 && oneof === undefined
      ? { json: implicitZero(field) }
      : null;
  return {
    key: field.jsonName,
    repeated,
    wireType:
      message !== null
        ? WireType.LengthDelimited
        : scalar === undefined
          ? WireType.Varint
          : scalarWireType(scalar),
    packable:
      repeated &&
      message === null &&
      (scalar === undefined || scalarWireType(scalar) !== WireType.LengthDelimited),
    read,
    message,
    absent,
    oneofSiblings:
      oneof === undefined
        ? []
        : all
            .filter((f) => f.oneof === oneof && f !== field)
            .map((f) => byNumber.get(f.number) ?? -1),
    ...streamParts(field, read, absent),
  };
}

function readerOf(field: DescField): ReadValue | null {
  if (field.enum !== undefined) {
    return readEnum(field.enum);
  }
  return field.scalar === undefined ? null : readScalar(field.scalar);
}

/** What stream-json.ts writes for the field: its key, its absent JSON, its value, as bytes. */
function streamParts(
  field: DescField,
  read: ReadValue | null,
  absent: { json: unknown } | null,
): Pick<FieldPlan, "oneofIndex" | "keyJson" | "absentJson" | "writeValue"> {
  const key = `${JSON.stringify(field.jsonName)}:`;
  return {
    oneofIndex: field.oneof === undefined ? -1 : field.parent.oneofs.indexOf(field.oneof),
    keyJson: utf8Bytes(key),
    absentJson: absent === null ? null : utf8Bytes(key + JSON.stringify(absent.json)),
    writeValue: read === null ? null : writeValueOf(field.scalar, read),
  };
}

function implicitZero(field: DescField): unknown {
  if (field.enum !== undefined) {
    return enumZero(field.enum);
  }
  return field.scalar === undefined ? null : scalarZero(field.scalar);
}
