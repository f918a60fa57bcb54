import { createFileRegistry, type DescMessage, fromJson } from "@bufbuild/protobuf";
import {
  FileDescriptorProtoSchema,
  file_google_protobuf_any,
  file_google_protobuf_duration,
  file_google_protobuf_field_mask,
  file_google_protobuf_timestamp,
  file_google_protobuf_wrappers,
} from "@bufbuild/protobuf/wkt";

// A contract with what the notes protos lack (int64, uint64, enums, lists, nested and recursive
// messages, maps, a oneof, wrappers, Duration, Any), built in the test so no proto is generated for it.
const field = (name: string, number: number, type: string, more: object = {}) => ({
  name,
  // protoc sets json_name; a descriptor written by hand must too.
  jsonName: name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()),
  number,
  type: `TYPE_${type}`,
  label: "LABEL_OPTIONAL",
  ...more,
});
const many = { label: "LABEL_REPEATED" };
const message = (typeName: string) => ({ typeName: `.${typeName}` });

const file = fromJson(FileDescriptorProtoSchema, {
  name: "test/v1/books.proto",
  package: "test.v1",
  syntax: "proto3",
  dependency: [
    "google/protobuf/timestamp.proto",
    "google/protobuf/duration.proto",
    "google/protobuf/field_mask.proto",
    "google/protobuf/wrappers.proto",
    "google/protobuf/any.proto",
  ],
  enumType: [
    {
      name: "Color",
      value: [
        { name: "COLOR_UNSPECIFIED", number: 0 },
        { name: "COLOR_RED", number: 1 },
        { name: "COLOR_GREEN", number: 2 },
      ],
    },
  ],
  messageType: [
    {
      name: "Label",
      field: [
        field("key", 1, "STRING"),
        field("weight", 2, "INT64"),
        field("time", 3, "MESSAGE", message("google.protobuf.Timestamp")),
        field("child", 4, "MESSAGE", message("test.v1.Label")),
      ],
    },
    {
      name: "Book",
      field: [
        field("name", 1, "STRING"),
        field("pages", 2, "INT64"),
        field("copies", 3, "UINT64"),
        field("color", 4, "ENUM", { typeName: ".test.v1.Color" }),
        field("tags", 5, "STRING", many),
        field("label", 6, "MESSAGE", message("test.v1.Label")),
        field("labels", 7, "MESSAGE", { ...many, ...message("test.v1.Label") }),
        field("publish_time", 8, "MESSAGE", message("google.protobuf.Timestamp")),
        field("in_print", 9, "BOOL"),
        field("price", 10, "DOUBLE"),
        field("rank", 11, "INT32"),
        field("cover", 12, "BYTES"),
        field("counts", 13, "MESSAGE", { ...many, ...message("test.v1.Book.CountsEntry") }),
        field("colors", 14, "ENUM", { ...many, typeName: ".test.v1.Color" }),
        field("stock", 15, "MESSAGE", message("google.protobuf.Int64Value")),
        field("loan", 16, "MESSAGE", message("google.protobuf.Duration")),
        field("isbn", 17, "STRING", { oneofIndex: 0 }),
        field("catalog", 18, "INT32", { oneofIndex: 0 }),
        field("extra", 19, "MESSAGE", message("google.protobuf.Any")),
      ],
      nestedType: [
        {
          name: "CountsEntry",
          field: [field("key", 1, "STRING"), field("value", 2, "INT32")],
          options: { mapEntry: true },
        },
      ],
      oneofDecl: [{ name: "format" }],
    },
    {
      // Every shape binary-json/ writes itself (no map, Any, Struct or FieldMask).
      name: "Record",
      field: [
        ...["DOUBLE", "FLOAT", "INT64", "UINT64", "INT32", "FIXED64", "FIXED32", "BOOL"].map(
          (type, i) => field(`v_${type.toLowerCase()}`, i + 1, type),
        ),
        ...["STRING", "BYTES", "UINT32", "SFIXED32", "SFIXED64", "SINT32", "SINT64"].map(
          (type, i) => field(`v_${type.toLowerCase()}`, i + 9, type),
        ),
        field("color", 16, "ENUM", { typeName: ".test.v1.Color" }),
        field("colors", 17, "ENUM", { ...many, typeName: ".test.v1.Color" }),
        field("numbers", 18, "SINT64", many),
        field("names", 19, "STRING", many),
        field("label", 20, "MESSAGE", message("test.v1.Label")),
        field("labels", 21, "MESSAGE", { ...many, ...message("test.v1.Label") }),
        field("loan", 22, "MESSAGE", message("google.protobuf.Duration")),
        field("stock", 23, "MESSAGE", message("google.protobuf.Int64Value")),
        field("note", 24, "MESSAGE", message("google.protobuf.StringValue")),
        field("isbn", 25, "STRING", { oneofIndex: 0 }),
        field("catalog", 26, "INT32", { oneofIndex: 0 }),
        field("doubles", 27, "DOUBLE", many),
      ],
      oneofDecl: [{ name: "format" }],
    },
    {
      // json_names a JS object would reorder or drop (a custom json_name may be any text).
      name: "OddKeys",
      field: [
        field("a", 1, "INT32"),
        { ...field("b", 2, "INT32"), jsonName: "1" },
        { ...field("c", 3, "INT32"), jsonName: "__proto__" },
      ],
    },
    {
      name: "UpdateBookRequest",
      field: [
        field("book", 1, "MESSAGE", message("test.v1.Book")),
        field("update_mask", 2, "MESSAGE", message("google.protobuf.FieldMask")),
      ],
    },
  ],
});

const imports = [
  file_google_protobuf_timestamp,
  file_google_protobuf_duration,
  file_google_protobuf_field_mask,
  file_google_protobuf_wrappers,
  file_google_protobuf_any,
];
/** The books contract and its imports: what an `Any` in a book may hold. */
export const booksRegistry = createFileRegistry(file, (name) =>
  imports.find((f) => f.proto.name === name),
);

function messageOf(name: string): DescMessage {
  const desc = booksRegistry.getMessage(name);
  if (desc === undefined) {
    throw new Error(`${name} is not in the test registry`);
  }
  return desc;
}

export const BookSchema: DescMessage = messageOf("test.v1.Book");
export const LabelSchema: DescMessage = messageOf("test.v1.Label");
export const RecordSchema: DescMessage = messageOf("test.v1.Record");
export const UpdateBookRequestSchema: DescMessage = messageOf("test.v1.UpdateBookRequest");
export const OddKeysSchema: DescMessage = messageOf("test.v1.OddKeys");
