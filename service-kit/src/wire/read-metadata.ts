/** A metadata value: text, or bytes for a `-bin` key (base64 on the wire). */
export type MetadataValue = string | Buffer;

/**
 * The read side of an incoming call's gRPC metadata. grpc-js's Metadata has this shape, and so
 * has the kit server's view of a call's headers (`server/call-metadata.ts`), so what reads
 * metadata (the caller check, trace context) takes either.
 */
export interface ReadMetadata {
  get(key: string): MetadataValue[];
  getMap(): Record<string, MetadataValue>;
}
