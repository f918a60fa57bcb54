import { createFileRegistry, type FileRegistry, fromBinary } from "@bufbuild/protobuf";
import { base64Decode } from "@bufbuild/protobuf/wire";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { descriptorSetBase64 } from "../gen/descriptors.ts";

/**
 * The google.protobuf.FileDescriptorSet of every Trellis contract with its imports (googleapis'
 * http annotations, the well-known types), binary: what `buf build proto
 * --as-file-descriptor-set` wrote at `bun run generate`. A fresh copy on each call.
 */
export function descriptorSet(): Uint8Array {
  return base64Decode(descriptorSetBase64);
}

/**
 * A protobuf-es registry of every Trellis contract: services, messages and the option
 * extensions (`google.api.http`, `trellis.api.v1.access`) needed to read methods' options.
 */
export function contractsRegistry(): FileRegistry {
  return createFileRegistry(fromBinary(FileDescriptorSetSchema, descriptorSet()));
}
