import { describe, expect, test } from "bun:test";
import { AppError } from "../src/errors.ts";
import { requireText, requireUuid, type TextRule } from "../src/validate.ts";

type Outcome = { value: string } | { code: string; message: string };

/** What a validator did: the value it returned, or the code and message it threw. */
function outcome(run: () => string): Outcome {
  try {
    return { value: run() };
  } catch (error) {
    if (error instanceof AppError) {
      return { code: error.code, message: error.message };
    }
    throw error;
  }
}

const UUID = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";

describe("requireUuid", () => {
  const cases = [
    { name: "returns a UUID unchanged", value: UUID, want: { value: UUID } },
    {
      name: "returns an upper-case UUID in lower case",
      value: UUID.toUpperCase(),
      want: { value: UUID },
    },
    {
      name: "refuses an empty value",
      value: "",
      want: { code: "INVALID_ARGUMENT", message: "note_id: is required" },
    },
    {
      name: "refuses text that is not a UUID",
      value: "note-1",
      want: { code: "INVALID_ARGUMENT", message: "note_id: must be a UUID" },
    },
    {
      name: "refuses a UUID in braces",
      value: `{${UUID}}`,
      want: { code: "INVALID_ARGUMENT", message: "note_id: must be a UUID" },
    },
    {
      name: "refuses a UUID with a trailing newline",
      value: `${UUID}\n`,
      want: { code: "INVALID_ARGUMENT", message: "note_id: must be a UUID" },
    },
  ];
  test.each(cases)("$name", ({ value, want }) => {
    expect(outcome(() => requireUuid(value, "note_id"))).toEqual(want);
  });
});

describe("requireText", () => {
  const title: TextRule = { min: 1, max: 200 };
  const body: TextRule = { min: 0, max: 10 };
  const cases = [
    {
      name: "returns fitting text unchanged",
      value: " Groceries ",
      rule: title,
      want: { value: " Groceries " },
    },
    {
      name: "refuses an empty title",
      value: "",
      rule: title,
      want: { code: "INVALID_ARGUMENT", message: "title: must not be empty" },
    },
    {
      name: "refuses a title of only whitespace",
      value: " \t\n ",
      rule: title,
      want: { code: "INVALID_ARGUMENT", message: "title: must not be empty" },
    },
    {
      name: "refuses a NUL character",
      value: "a\u0000b",
      rule: title,
      want: { code: "INVALID_ARGUMENT", message: "title: must not contain NUL characters" },
    },
    {
      name: "refuses a NUL character even where empty text is allowed",
      value: "\u0000",
      rule: body,
      want: { code: "INVALID_ARGUMENT", message: "title: must not contain NUL characters" },
    },
    {
      name: "counts 200 emoji as 200 characters",
      value: "😀".repeat(200),
      rule: title,
      want: { value: "😀".repeat(200) },
    },
    {
      name: "refuses 201 emoji",
      value: "😀".repeat(201),
      rule: title,
      want: {
        code: "INVALID_ARGUMENT",
        message: "title: must have at most 200 characters (got 201)",
      },
    },
    {
      name: "refuses 201 ASCII characters",
      value: "a".repeat(201),
      rule: title,
      want: {
        code: "INVALID_ARGUMENT",
        message: "title: must have at most 200 characters (got 201)",
      },
    },
    { name: "accepts empty text when min is 0", value: "", rule: body, want: { value: "" } },
    { name: "accepts whitespace when min is 0", value: "   ", rule: body, want: { value: "   " } },
    {
      name: "refuses text shorter than min",
      value: "ab",
      rule: { min: 3, max: 10 },
      want: { code: "INVALID_ARGUMENT", message: "title: must have at least 3 characters" },
    },
  ];
  test.each(cases)("$name", ({ value, rule, want }) => {
    expect(outcome(() => requireText(value, "title", rule))).toEqual(want);
  });
});
