import {
  type DescExtension,
  type DescField,
  type DescFile,
  getOption,
  hasOption,
} from "@bufbuild/protobuf";

// google/api/field_behavior.proto: FieldBehavior values this reads.
const REQUIRED = 2;
const OUTPUT_ONLY = 3;

export type FieldBehavior = { required: boolean; outputOnly: boolean };

const NONE: FieldBehavior = { required: false, outputOnly: false };

/**
 * The `(google.api.field_behavior)` of a field: REQUIRED (the schema's `required`) and
 * OUTPUT_ONLY (`readOnly`). The extension is found among the imports of the field's file, so a
 * contract that does not import field_behavior.proto simply declares nothing.
 */
export function fieldBehaviorOf(field: DescField): FieldBehavior {
  const extension = findExtension(field.parent.file, "google.api.field_behavior", new Set());
  if (extension === null || !hasOption(field, extension)) {
    return NONE;
  }
  const values = getOption(field, extension);
  if (!Array.isArray(values)) {
    return NONE;
  }
  return { required: values.includes(REQUIRED), outputOnly: values.includes(OUTPUT_ONLY) };
}

function findExtension(
  file: DescFile,
  typeName: string,
  seen: Set<DescFile>,
): DescExtension | null {
  if (seen.has(file)) {
    return null;
  }
  seen.add(file);
  const own = file.extensions.find((extension) => extension.typeName === typeName);
  if (own !== undefined) {
    return own;
  }
  for (const dependency of file.dependencies) {
    const found = findExtension(dependency, typeName, seen);
    if (found !== null) {
      return found;
    }
  }
  return null;
}
