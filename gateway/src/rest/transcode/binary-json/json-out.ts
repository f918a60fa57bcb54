/**
 * Where every JsonOut writes, kept from one answer to the next (the writing is synchronous, one
 * at a time): a new zero-filled array per answer cost the gateway ~6% of a list's CPU in the
 * profile, its allocation and the collections it brought on. Kept up to KEEP_BYTES.
 */
let scratch = new Uint8Array(16 * 1024);
const KEEP_BYTES = 1024 * 1024;

/**
 * JSON text as UTF-8 bytes, grown as it is written: what the gateway sends, built without the
 * strings and objects a JSON value would need (see stream-json.ts). One at a time: a new one
 * writes over the last one's bytes, so take them with `finish` first.
 */
export class JsonOut {
  bytes: Uint8Array = scratch;
  pos = 0;

  /** Room for `n` more bytes. */
  ensure(n: number): void {
    const need = this.pos + n;
    if (need > this.bytes.length) {
      const grown = new Uint8Array(Math.max(need, this.bytes.length * 2));
      grown.set(this.bytes.subarray(0, this.pos));
      this.bytes = grown;
      if (grown.length <= KEEP_BYTES) {
        scratch = grown;
      }
    }
  }

  byte(b: number): void {
    this.ensure(1);
    this.bytes[this.pos++] = b;
  }

  /**
   * Bytes precomputed once per field (a key, an absent field's JSON), copied in a loop: they are
   * short, and `Uint8Array#set` is a native call that costs more than the loop at this size.
   */
  raw(source: Uint8Array): void {
    const { length } = source;
    this.ensure(length);
    const { bytes } = this;
    let { pos } = this;
    for (let i = 0; i < length; i++) {
      bytes[pos++] = source[i] as number;
    }
    this.pos = pos;
  }

  /** Text known to be ASCII that JSON needs no escape for: digits, base64, a timestamp. */
  ascii(text: string): void {
    const { length } = text;
    this.ensure(length);
    const { bytes } = this;
    let { pos } = this;
    for (let i = 0; i < length; i++) {
      bytes[pos++] = text.charCodeAt(i);
    }
    this.pos = pos;
  }

  /** A JSON value that is a string, a number or a boolean, as JSON.stringify writes it. */
  value(value: unknown): void {
    if (typeof value === "string") {
      this.utf8(JSON.stringify(value));
    } else {
      this.ascii(String(value));
    }
  }

  /** Any text as UTF-8 (JSON.stringify's output, which may hold any character). */
  utf8(text: string): void {
    this.ensure(text.length * 3);
    const written = textEncoder.encodeInto(text, this.bytes.subarray(this.pos));
    this.pos += written.written;
  }

  /**
   * The UTF-8 bytes `wire[start, end)` as a JSON string. Copied as they are when none needs an
   * escape or could be invalid UTF-8 (quote, backslash, control, or any byte past ASCII); else
   * decoded, as WireReader#text does, and written by JSON.stringify.
   */
  stringFrom(wire: Buffer, start: number, end: number): void {
    for (let i = start; i < end; i++) {
      const b = wire[i] as number;
      if (b < 0x20 || b === QUOTE || b === BACKSLASH || b > 0x7e) {
        this.utf8(JSON.stringify(wire.toString("utf8", start, end)));
        return;
      }
    }
    this.ensure(end - start + 2);
    const { bytes } = this;
    bytes[this.pos++] = QUOTE;
    if (end - start > SHORT_COPY) {
      bytes.set(wire.subarray(start, end), this.pos);
      this.pos += end - start;
    } else {
      for (let i = start; i < end; i++) {
        bytes[this.pos++] = wire[i] as number;
      }
    }
    bytes[this.pos++] = QUOTE;
  }

  /** A copy of the bytes written (or of `[start, end)` of them), in an array of its own size. */
  finish(start = 0, end = this.pos): Uint8Array {
    return this.bytes.slice(start, end);
  }
}

const QUOTE = 0x22;
/** Up to this many bytes a loop copies faster than `set` over a `subarray` (a native call). */
const SHORT_COPY = 48;
const BACKSLASH = 0x5c;
const textEncoder = new TextEncoder();

/** `text` as UTF-8, for what is computed once per field. */
export const utf8Bytes = (text: string): Uint8Array => textEncoder.encode(text);
