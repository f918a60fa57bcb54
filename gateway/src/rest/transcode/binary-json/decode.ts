import { WireType } from "@bufbuild/protobuf/wire";
import type { FieldPlan, MessagePlan } from "./plan.ts";
import { WireReader } from "./wire-reader.ts";

/** A message being decoded: each field's value by the plan's index (a list, a nested Slots). */
type Slots = unknown[];

/**
 * Decodes a message's binary into `slots`, as protobuf does: a later scalar wins, lists append
 * (packed or not), a message seen twice is merged, a oneof member clears the others; unknown
 * fields are skipped. Throws on malformed input or a wire type the field cannot have.
 */
export function decodeInto(plan: MessagePlan, reader: WireReader, end: number, slots: Slots): void {
  while (reader.pos < end) {
    const [number, wireType] = reader.tag();
    const index = plan.byNumber.get(number);
    const field = index === undefined ? undefined : plan.fields[index];
    if (index === undefined || field === undefined) {
      reader.skip(wireType, number);
      continue;
    }
    if (field.repeated) {
      const list = (slots[index] as unknown[] | undefined) ?? [];
      slots[index] = list;
      readList(field, reader, wireType, list);
      continue;
    }
    expectWireType(field, wireType);
    for (const sibling of field.oneofSiblings) {
      slots[sibling] = undefined;
    }
    slots[index] = readOne(field, reader, slots[index] as Slots | undefined);
  }
}

function readList(field: FieldPlan, reader: WireReader, wireType: WireType, list: unknown[]): void {
  if (field.packable && wireType === WireType.LengthDelimited) {
    const end = reader.uint32() + reader.pos;
    while (reader.pos < end) {
      list.push((field.read as NonNullable<FieldPlan["read"]>)(reader));
    }
    return;
  }
  expectWireType(field, wireType);
  list.push(readOne(field, reader, undefined));
}

function readOne(field: FieldPlan, reader: WireReader, into: Slots | undefined): unknown {
  if (field.message === null) {
    return (field.read as NonNullable<FieldPlan["read"]>)(reader);
  }
  const end = reader.uint32() + reader.pos;
  const slots = into ?? [];
  decodeInto(field.message, reader, end, slots);
  return slots;
}

export function expectWireType(field: FieldPlan, wireType: WireType): void {
  if (wireType !== field.wireType) {
    throw new Error(`field ${field.key}: wire type ${wireType}, expected ${field.wireType}`);
  }
}

/** The JSON of a decoded message: its fields in number order, absent ones as protobuf-es. */
function write(plan: MessagePlan, slots: Slots): unknown {
  if (plan.wellKnown !== null) {
    return plan.wellKnown(slots);
  }
  const json: Record<string, unknown> = {};
  const { fields } = plan;
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as FieldPlan;
    const value = slots[i];
    if (value === undefined) {
      if (field.absent !== null) {
        json[field.key] = field.repeated ? [] : field.absent.json;
      }
      continue;
    }
    json[field.key] = field.message === null ? value : writeMessages(field, value);
  }
  return json;
}

function writeMessages(field: FieldPlan, value: unknown): unknown {
  const plan = field.message as MessagePlan;
  return field.repeated
    ? (value as Slots[]).map((item) => write(plan, item))
    : write(plan, value as Slots);
}

/** The proto3 JSON of `bytes`, a binary message of `plan`'s type. Throws on malformed input. */
export function decodeToJson(plan: MessagePlan, bytes: Uint8Array): unknown {
  const reader = new WireReader(bytes);
  const slots: Slots = [];
  decodeInto(plan, reader, bytes.byteLength, slots);
  return write(plan, slots);
}
