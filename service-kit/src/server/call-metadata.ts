import type { IncomingHttpHeaders } from "node:http2";
import type { MetadataValue, ReadMetadata } from "../wire/read-metadata.ts";

// An incoming call's custom metadata, read straight from its HTTP/2 headers: no copy per call, as
// grpc-js's Metadata makes. `-bin` values are base64 on the wire, Buffers here.

// What PROTOCOL-HTTP2.md reserves for the transport; grpc-js removes the same from its Metadata.
const RESERVED = new Set([
  "content-type",
  "te",
  "grpc-timeout",
  "grpc-encoding",
  "grpc-accept-encoding",
  "accept-encoding",
]);

/** The metadata of a call whose request headers are `headers`. */
export class CallMetadata implements ReadMetadata {
  constructor(private readonly headers: IncomingHttpHeaders) {}

  get(key: string): MetadataValue[] {
    const name = key.toLowerCase();
    if (name.startsWith(":") || RESERVED.has(name)) {
      return [];
    }
    const value = this.headers[name];
    if (value === undefined) {
      return [];
    }
    const values = typeof value === "string" ? [value] : value;
    return name.endsWith("-bin") ? values.map((text) => Buffer.from(text, "base64")) : values;
  }

  getMap(): Record<string, MetadataValue> {
    const map: Record<string, MetadataValue> = {};
    for (const name of Object.keys(this.headers)) {
      const [first] = this.get(name);
      if (first !== undefined) {
        map[name] = first;
      }
    }
    return map;
  }
}
