// A low-cardinality summary of a SQL statement, as the database semantic conventions describe
// it: the operations and the tables they act on, in order ("SELECT notes", "UPDATE users
// oauth_accounts", "INSERT shipping SELECT orders"). It names spans and fills db.query.summary.
// A small tokenizer, not a parser: literals, comments and parameters never reach the output.

export interface SqlSummary {
  /** The first operation, e.g. "INSERT"; "" when none was recognised. */
  operation: string;
  /** Operations and tables, e.g. "INSERT notes"; "" when none was recognised. */
  text: string;
}

const MAX_SUMMARY_LENGTH = 255;

const OPERATIONS = new Set([
  "SELECT",
  "INSERT",
  "UPDATE",
  "DELETE",
  "MERGE",
  "CALL",
  "COPY",
  "CREATE",
  "ALTER",
  "DROP",
  "TRUNCATE",
  "BEGIN",
  "COMMIT",
  "ROLLBACK",
  "SAVEPOINT",
  "RELEASE",
  "LOCK",
]);
/** Words after which the next name is a table. */
const TARGET_AFTER = new Set(["FROM", "JOIN", "INTO", "UPDATE", "TABLE"]);
/** Words that may sit between those and the table. */
const MODIFIERS = new Set(["ONLY", "LATERAL", "IF", "NOT", "EXISTS"]);
/** Words that end a FROM list ("FROM a x, b y" names two tables). */
const CLAUSES = new Set([
  "WHERE",
  "ON",
  "USING",
  "GROUP",
  "ORDER",
  "LIMIT",
  "OFFSET",
  "HAVING",
  "WINDOW",
  "UNION",
  "EXCEPT",
  "INTERSECT",
  "RETURNING",
  "SET",
  "VALUES",
  "FOR",
  "DO",
  "LEFT",
  "RIGHT",
  "INNER",
  "OUTER",
  "FULL",
  "CROSS",
  "NATURAL",
]);

type Token = { name: string; keyword: string } | { punct: string };

// Strings, dollar quotes, comments, numbers and $n parameters match but yield nothing; names
// (optionally "quoted" and schema.qualified) and ( ) , ; are kept.
const TOKEN =
  /'(?:[^']|'')*'|(\$[A-Za-z_]*\$)[\s\S]*?\1|--[^\n]*|\/\*[\s\S]*?\*\/|\$\d+|((?:"(?:[^"]|"")*"|[A-Za-z_][\w$]*)(?:\s*\.\s*(?:"(?:[^"]|"")*"|[A-Za-z_][\w$]*))*)|([(),;])/g;

const NAME_PART = /"((?:[^"]|"")*)"|([A-Za-z_][\w$]*)/g;

function* tokens(sql: string): Generator<Token> {
  for (const [, , word, punct] of sql.matchAll(TOKEN)) {
    if (word !== undefined) {
      const quoted = word.includes('"');
      const name = Array.from(word.matchAll(NAME_PART), ([, quotedPart, plain]) =>
        quotedPart === undefined ? plain : quotedPart.replaceAll('""', '"'),
      ).join(".");
      // A quoted name is never a keyword: "select" is a table called select.
      yield { name, keyword: quoted ? "" : name.toUpperCase() };
    } else if (punct !== undefined) {
      yield { punct };
    }
  }
}

/** Where the walk through a statement's tokens has got to. */
interface Walk {
  parts: string[];
  operation: string;
  /** Per open parenthesis: whether it holds a function's arguments (FROM there is no table). */
  calls: boolean[];
  expectTable: boolean;
  inFromList: boolean;
  afterFrom: boolean;
  previous: string;
  previousIsName: boolean;
}

/** Summarises one statement; see SqlSummary. */
export function summarizeSql(sql: string): SqlSummary {
  const walk: Walk = {
    parts: [],
    operation: "",
    calls: [],
    expectTable: false,
    inFromList: false,
    afterFrom: false,
    previous: "",
    previousIsName: false,
  };
  for (const token of tokens(sql)) {
    if ("punct" in token) {
      punctuation(walk, token.punct);
    } else {
      word(walk, token.name, token.keyword);
    }
  }
  return { operation: walk.operation, text: clip(walk.parts.join(" ")) };
}

function punctuation(walk: Walk, punct: string): void {
  if (punct === "(") {
    walk.calls.push(walk.previousIsName);
    walk.expectTable = false;
    walk.inFromList = false;
  } else if (punct === ")") {
    walk.calls.pop();
  } else if (punct === ",") {
    walk.expectTable = walk.inFromList;
    walk.afterFrom = walk.inFromList;
  } else {
    walk.expectTable = false;
    walk.inFromList = false;
  }
  walk.previous = punct;
  walk.previousIsName = false;
}

function word(walk: Walk, name: string, keyword: string): void {
  const reserved = isReserved(keyword);
  if (walk.expectTable && !reserved) {
    walk.parts.push(name);
    walk.expectTable = false;
    walk.inFromList = walk.afterFrom;
  } else if (walk.expectTable && MODIFIERS.has(keyword)) {
    // FROM ONLY t, CREATE TABLE IF NOT EXISTS t: the table is still to come.
  } else if (
    OPERATIONS.has(keyword) &&
    !(keyword === "UPDATE" && (walk.previous === "FOR" || walk.previous === "DO"))
  ) {
    operation(walk, keyword);
  } else if (TARGET_AFTER.has(keyword) && !(keyword === "FROM" && walk.calls.at(-1) === true)) {
    walk.expectTable = true;
    walk.afterFrom = keyword === "FROM";
    walk.inFromList = false;
  } else if (CLAUSES.has(keyword)) {
    walk.expectTable = false;
    walk.inFromList = false;
  }
  walk.previous = keyword;
  walk.previousIsName = !reserved;
}

function operation(walk: Walk, keyword: string): void {
  walk.parts.push(keyword);
  walk.operation ||= keyword;
  if (keyword === "SELECT" && walk.calls.length > 0) {
    walk.calls[walk.calls.length - 1] = false; // a subquery, not a function's arguments
  }
  walk.expectTable = keyword === "UPDATE";
  walk.afterFrom = false;
  walk.inFromList = false;
}

function isReserved(keyword: string): boolean {
  return (
    OPERATIONS.has(keyword) ||
    TARGET_AFTER.has(keyword) ||
    CLAUSES.has(keyword) ||
    MODIFIERS.has(keyword) ||
    keyword === "AS"
  );
}

function clip(text: string): string {
  return text.length > MAX_SUMMARY_LENGTH ? text.slice(0, MAX_SUMMARY_LENGTH) : text;
}
