import { create, createFileRegistry, type FileRegistry } from "@bufbuild/protobuf";
import {
  type FieldDescriptorProto_Type,
  FileDescriptorProtoSchema,
  file_google_protobuf_duration,
  file_google_protobuf_empty,
  file_google_protobuf_field_mask,
  file_google_protobuf_timestamp,
  file_google_protobuf_wrappers,
} from "@bufbuild/protobuf/wkt";

// descriptor.proto's FieldDescriptorProto.Type and Label numbers.
const T = {
  DOUBLE: 1,
  INT64: 3,
  UINT64: 4,
  INT32: 5,
  BOOL: 8,
  STRING: 9,
  MESSAGE: 11,
  BYTES: 12,
  ENUM: 14,
} as const;
const OPTIONAL = 1;
const REPEATED = 3;

const field = (
  name: string,
  number: number,
  type: number,
  typeName?: string,
  label = OPTIONAL,
) => ({
  name,
  // protoc and buf always write json_name; protobuf-es reads it as written.
  jsonName: name.replaceAll(/_([a-z])/g, (_, c: string) => c.toUpperCase()),
  number,
  label,
  type: type as FieldDescriptorProto_Type,
  ...(typeName === undefined ? {} : { typeName }),
});

const imports = [
  file_google_protobuf_duration,
  file_google_protobuf_empty,
  file_google_protobuf_field_mask,
  file_google_protobuf_timestamp,
  file_google_protobuf_wrappers,
];

const sink = {
  name: "Sink",
  field: [
    field("count", 1, T.INT64),
    field("total", 2, T.UINT64),
    field("size", 3, T.INT32),
    field("flag", 4, T.BOOL),
    field("data", 5, T.BYTES),
    field("ratio", 6, T.DOUBLE),
    field("color", 7, T.ENUM, ".sink.v1.Color"),
    field("tags", 8, T.STRING, undefined, REPEATED),
    field("weights", 9, T.MESSAGE, ".sink.v1.Sink.WeightsEntry", REPEATED),
    field("at_time", 10, T.MESSAGE, ".google.protobuf.Timestamp"),
    field("wait", 11, T.MESSAGE, ".google.protobuf.Duration"),
    field("mask", 12, T.MESSAGE, ".google.protobuf.FieldMask"),
    field("nothing", 13, T.MESSAGE, ".google.protobuf.Empty"),
    field("maybe", 14, T.MESSAGE, ".google.protobuf.Int64Value"),
    field("inner", 15, T.MESSAGE, ".sink.v1.Inner"),
  ],
  nestedType: [
    {
      name: "WeightsEntry",
      field: [field("key", 1, T.STRING), field("value", 2, T.INT64)],
      options: { mapEntry: true },
    },
  ],
};

// Comments on Sink.count and SinkService.GetSink, by their descriptor.proto paths.
const sourceCodeInfo = {
  location: [
    {
      path: [4, 0, 2, 0],
      span: [0, 0, 0],
      leadingComments: " How many, as a 64-bit integer.\n",
    },
    {
      path: [6, 0, 2, 0],
      span: [0, 0, 0],
      leadingComments: " GetSink returns a sink. Public.\n",
    },
  ],
};

/**
 * A registry of one proto3 file, sink/v1/sink.proto, whose message `Sink` has a field of every
 * kind the schemas map (64-bit integers, bytes, an enum, a list, a map, the well-known types, a
 * message that refers back to it), with a comment on `count`, and `SinkService.GetSink`. Built
 * by hand: the real contracts have none of these types.
 */
export function sinkRegistry(): FileRegistry {
  const file = create(FileDescriptorProtoSchema, {
    name: "sink/v1/sink.proto",
    package: "sink.v1",
    syntax: "proto3",
    dependency: imports.map((f) => f.proto.name),
    enumType: [
      {
        name: "Color",
        value: [
          { name: "COLOR_UNSPECIFIED", number: 0 },
          { name: "COLOR_RED", number: 1 },
        ],
      },
    ],
    messageType: [
      sink,
      {
        name: "Inner",
        field: [field("name", 1, T.STRING), field("back", 2, T.MESSAGE, ".sink.v1.Sink")],
      },
    ],
    service: [
      {
        name: "SinkService",
        method: [{ name: "GetSink", inputType: ".sink.v1.Sink", outputType: ".sink.v1.Sink" }],
      },
    ],
    sourceCodeInfo,
  });
  return createFileRegistry(file, (name) => imports.find((f) => f.proto.name === name));
}
