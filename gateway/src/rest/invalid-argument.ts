/**
 * What a request got wrong, as a value: the gateway answers it with 400 INVALID_ARGUMENT
 * (`badRequest(message)` in ../errors.ts) once these primitives are wired in. `field` names the
 * path variable or query parameter at fault, and `message` names it too.
 */
export type InvalidArgument = {
  readonly code: "INVALID_ARGUMENT";
  readonly field: string;
  readonly message: string;
};

// Names can come from the request; a long one is cut so that an error stays one line.
const shown = (name: string): string => (name.length > 64 ? `${name.slice(0, 64)}…` : name);

export const invalidArgument = (
  where: "path variable" | "query parameter",
  field: string,
  problem: string,
): InvalidArgument => ({
  code: "INVALID_ARGUMENT",
  field: shown(field),
  message: `${where} ${JSON.stringify(shown(field))}: ${problem}`,
});

/**
 * A request body field at fault: `field` is its path in the request ("note.title", "tags[2]"),
 * or "body" for the whole body; the message starts with it, as `badRequest` wants.
 */
export const invalidBodyField = (field: string, problem: string): InvalidArgument => ({
  code: "INVALID_ARGUMENT",
  field: shown(field),
  message: `${shown(field)}: ${problem}`,
});
