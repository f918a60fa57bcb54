import { WireType } from "@bufbuild/protobuf/wire";
import { decodeInto, expectWireType } from "./decode.ts";
import { JsonOut } from "./json-out.ts";
import type { FieldPlan, MessagePlan } from "./plan.ts";
import { writeTimestamp } from "./timestamp-bytes.ts";
import { WireReader } from "./wire-reader.ts";

// The binary answer written as JSON bytes in one pass, with no JSON value in between: no object
// per message, no string per field (a string's bytes are copied from the wire), no Date per
// Timestamp. It writes exactly what decode.ts's object, stringified, would be; the bench's page
// of 20 notes cost ~37 µs that way (bench/investigations/list-create).
//
// One pass can only write what arrives in the order JSON lists it, so it takes the canonical
// encoding every protobuf library writes for a message whose fields are declared in number
// order: fields in ascending number, each singular field once, a list's elements together, one
// member per oneof. Anything else (two encodings concatenated, fields out of order) makes it
// give up, and the caller decodes into slots, which merges as protobuf does.

/** Why the pass gave up: not an error, the input is valid but not canonical. */
const NOT_CANONICAL = Symbol("not canonical");

/**
 * `bytes` as proto3 JSON, or only the JSON of its field at index `selected` (a `response_body`);
 * null when they are not in canonical order (see above), or the selected field was not written
 * (absent, with no JSON when absent): the object path then answers, or says what is wrong.
 */
export function streamJson(plan: MessagePlan, bytes: Uint8Array, selected = -1): Uint8Array | null {
  const reader = new WireReader(bytes);
  const out = new JsonOut();
  const top = selected < 0 ? undefined : { index: selected, start: -1, end: -1 };
  if (!writeMessage(plan, reader, bytes.byteLength, out, top)) {
    return null;
  }
  if (top === undefined) {
    return out.finish();
  }
  return top.end < 0 ? null : out.finish(top.start, top.end);
}

/** Where the selected field's JSON value lies in the output, once written. */
interface Selected {
  readonly index: number;
  start: number;
  end: number;
}

/** A message's JSON; false when its fields are not canonical. */
function writeMessage(
  plan: MessagePlan,
  reader: WireReader,
  end: number,
  out: JsonOut,
  selected?: Selected,
): boolean {
  if (plan.timestamp) {
    writeTimestampMessage(reader, end, out);
    return true;
  }
  if (plan.wellKnown !== null) {
    const slots: unknown[] = [];
    decodeInto(plan, reader, end, slots);
    out.value(plan.wellKnown(slots));
    return true;
  }
  const state = new MessageState(plan, out, selected);
  out.byte(0x7b); // {
  while (reader.pos < end) {
    const tag = reader.rawTag();
    const number = tag >>> 3;
    const wireType: WireType = tag & 7;
    const index = plan.byNumber.get(number);
    if (index === undefined) {
      reader.skip(wireType, number);
    } else if (state.field(index, wireType, reader) === NOT_CANONICAL) {
      return false;
    }
  }
  state.close(plan.fields.length);
  out.byte(0x7d); // }
  return true;
}

/** Where the pass is in one message: the next field JSON lists, an open list, the oneofs seen. */
class MessageState {
  private next = 0;
  private openList = -1;
  private listEmpty = true;
  private first = true;
  private oneofsSeen = 0;

  constructor(
    private readonly plan: MessagePlan,
    private readonly out: JsonOut,
    private readonly selected: Selected | undefined,
  ) {}

  /** Field `index` arrives with `wireType`. */
  field(index: number, wireType: WireType, reader: WireReader): typeof NOT_CANONICAL | undefined {
    const field = this.plan.fields[index] as FieldPlan;
    if (field.repeated && index === this.openList) {
      return this.element(field, wireType, reader);
    }
    if (index < this.next || !this.firstOfOneof(field)) {
      return NOT_CANONICAL;
    }
    this.closeList();
    this.absentUpTo(index);
    this.separate();
    this.out.raw(field.keyJson);
    this.next = index + 1;
    this.valueStarts(index);
    if (field.repeated) {
      this.out.byte(0x5b); // [
      this.openList = index;
      this.listEmpty = true;
      return this.element(field, wireType, reader);
    }
    expectWireType(field, wireType);
    const done = this.single(field, reader);
    this.valueEnds(index);
    return done;
  }

  /** The end of the message: an open list closed, the absent fields after the last written. */
  close(count: number): void {
    this.closeList();
    this.absentUpTo(count);
  }

  /** One element of a list, or a packed run of them. */
  private element(field: FieldPlan, wireType: WireType, reader: WireReader) {
    if (field.packable && wireType === WireType.LengthDelimited) {
      const write = field.writeValue as NonNullable<FieldPlan["writeValue"]>;
      const end = reader.uint32() + reader.pos;
      while (reader.pos < end) {
        this.separateElement();
        write(reader, this.out);
      }
      return undefined;
    }
    expectWireType(field, wireType);
    this.separateElement();
    return this.single(field, reader);
  }

  private single(field: FieldPlan, reader: WireReader): typeof NOT_CANONICAL | undefined {
    if (field.message === null) {
      (field.writeValue as NonNullable<FieldPlan["writeValue"]>)(reader, this.out);
      return undefined;
    }
    const end = reader.uint32() + reader.pos;
    return writeMessage(field.message, reader, end, this.out) ? undefined : NOT_CANONICAL;
  }

  /** False for a second member of a oneof (the last set wins, which one pass cannot undo). */
  private firstOfOneof(field: FieldPlan): boolean {
    if (field.oneofIndex < 0) {
      return true;
    }
    const bit = 2 ** field.oneofIndex;
    if (field.oneofIndex > 30 || (this.oneofsSeen & bit) !== 0) {
      return false;
    }
    this.oneofsSeen |= bit;
    return true;
  }

  /** The fields before `index` not on the wire: those written when absent. */
  private absentUpTo(index: number): void {
    const { fields } = this.plan;
    for (let i = this.next; i < index; i++) {
      const field = fields[i] as FieldPlan;
      if (field.absentJson !== null) {
        this.separate();
        this.valueStarts(i, field.keyJson.length);
        this.out.raw(field.absentJson);
        this.valueEnds(i);
      }
    }
    this.next = index;
  }

  private closeList(): void {
    if (this.openList >= 0) {
      this.out.byte(0x5d); // ]
      this.valueEnds(this.openList);
      this.openList = -1;
    }
  }

  /** The selected field's value begins `skip` bytes on (past its key, for an absent field). */
  private valueStarts(index: number, skip = 0): void {
    if (this.selected?.index === index) {
      this.selected.start = this.out.pos + skip;
    }
  }

  private valueEnds(index: number): void {
    if (this.selected?.index === index) {
      this.selected.end = this.out.pos;
    }
  }

  private separate(): void {
    if (this.first) {
      this.first = false;
    } else {
      this.out.byte(0x2c); // ,
    }
  }

  private separateElement(): void {
    if (this.listEmpty) {
      this.listEmpty = false;
    } else {
      this.out.byte(0x2c);
    }
  }
}

/** A Timestamp's two fields, the last of each winning, as decode.ts reads them. */
function writeTimestampMessage(reader: WireReader, end: number, out: JsonOut): void {
  let seconds = 0;
  let nanos = 0;
  while (reader.pos < end) {
    const tag = reader.rawTag();
    const number = tag >>> 3;
    const wireType: WireType = tag & 7;
    if (number === 1 && wireType === WireType.Varint) {
      seconds = reader.int64Number();
    } else if (number === 2 && wireType === WireType.Varint) {
      nanos = reader.int32();
    } else if (number === 1 || number === 2) {
      throw new Error(
        `field ${number === 1 ? "seconds" : "nanos"}: wire type ${wireType}, expected 0`,
      );
    } else {
      reader.skip(wireType, number);
    }
  }
  writeTimestamp(out, seconds, nanos);
}
