import type {
  DescEnum,
  DescEnumValue,
  DescField,
  DescFile,
  DescMessage,
  DescMethod,
  DescService,
} from "@bufbuild/protobuf";

/** A declaration whose comment this reads. */
export type Commented =
  | DescMessage
  | DescField
  | DescEnum
  | DescEnumValue
  | DescService
  | DescMethod;

// Field numbers of descriptor.proto, as SourceCodeInfo.Location.path spells a declaration.
const FILE_MESSAGE = 4;
const FILE_ENUM = 5;
const FILE_SERVICE = 6;
const MESSAGE_FIELD = 2;
const MESSAGE_NESTED = 3;
const MESSAGE_ENUM = 4;
const ENUM_VALUE = 2;
const SERVICE_METHOD = 2;

const byFile = new WeakMap<DescFile, Map<string, string>>();

/**
 * The leading comment of a declaration, as written in its .proto (the `// ` markers and one
 * space after them removed, lines kept), or null when it has none or its file's source info was
 * dropped (contracts keep it for trellis/* files only). protobuf-es keeps SourceCodeInfo on the
 * file; @bufbuild/protoplugin's getComments is this same walk, but it is a plugin-time package.
 */
export function commentOf(desc: Commented): string | null {
  const [file, path] = locate(desc);
  return commentsOf(file).get(path.join(",")) ?? null;
}

function commentsOf(file: DescFile): Map<string, string> {
  const known = byFile.get(file);
  if (known !== undefined) {
    return known;
  }
  const comments = new Map<string, string>();
  for (const location of file.proto.sourceCodeInfo?.location ?? []) {
    const text = clean(location.leadingComments);
    if (text !== "") {
      comments.set(location.path.join(","), text);
    }
  }
  byFile.set(file, comments);
  return comments;
}

function clean(raw: string): string {
  return raw
    .split("\n")
    .map((line) => line.replace(/^ /, "").trimEnd())
    .join("\n")
    .trim();
}

function locate(desc: Commented): [DescFile, number[]] {
  switch (desc.kind) {
    case "message":
      return [desc.file, messagePath(desc)];
    case "enum":
      return [desc.file, enumPath(desc)];
    case "service":
      return [desc.file, servicePath(desc)];
    case "field":
      return [
        desc.parent.file,
        [...messagePath(desc.parent), MESSAGE_FIELD, indexIn(desc.parent.proto.field, desc.proto)],
      ];
    case "enum_value":
      return [
        desc.parent.file,
        [...enumPath(desc.parent), ENUM_VALUE, indexIn(desc.parent.proto.value, desc.proto)],
      ];
    case "rpc":
      return [
        desc.parent.file,
        [
          ...servicePath(desc.parent),
          SERVICE_METHOD,
          indexIn(desc.parent.proto.method, desc.proto),
        ],
      ];
  }
}

function messagePath(message: DescMessage): number[] {
  const { parent } = message;
  if (parent === undefined) {
    return [FILE_MESSAGE, indexIn(message.file.proto.messageType, message.proto)];
  }
  return [...messagePath(parent), MESSAGE_NESTED, indexIn(parent.proto.nestedType, message.proto)];
}

function enumPath(desc: DescEnum): number[] {
  const { parent } = desc;
  if (parent === undefined) {
    return [FILE_ENUM, indexIn(desc.file.proto.enumType, desc.proto)];
  }
  return [...messagePath(parent), MESSAGE_ENUM, indexIn(parent.proto.enumType, desc.proto)];
}

function servicePath(service: DescService): number[] {
  return [FILE_SERVICE, indexIn(service.file.proto.service, service.proto)];
}

function indexIn<T>(list: readonly T[], item: T): number {
  return list.indexOf(item);
}
