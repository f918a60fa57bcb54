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

/** Summarises one statement; see SqlSummary. */
export function summarizeSql(sql: string): SqlSummary {
  const parts: string[] = [];
  /** Per open parenthesis: whether it holds a function's arguments (FROM there is no table). */
  const calls: boolean[] = [];
  let expectTable = false;
  let inFromList = false;
  let afterFrom = false;
  let previous = "";
  let previousIsName = false;
  let operation = "";
  for (const token of tokens(sql)) {
    if ("punct" in token) {
      if (token.punct === "(") {
        calls.push(previousIsName);
        expectTable = false;
        inFromList = false;
      } else if (token.punct === ")") {
        calls.pop();
      } else if (token.punct === ",") {
        expectTable = inFromList;
        afterFrom = inFromList;
      } else {
        expectTable = false;
        inFromList = false;
      }
      previous = token.punct;
      previousIsName = false;
      continue;
    }
    const { name, keyword } = token;
    const reserved = isReserved(keyword);
    if (expectTable && !reserved) {
      parts.push(name);
      expectTable = false;
      inFromList = afterFrom;
    } else if (expectTable && MODIFIERS.has(keyword)) {
      // FROM ONLY t, CREATE TABLE IF NOT EXISTS t: the table is still to come.
    } else if (
      OPERATIONS.has(keyword) &&
      !(keyword === "UPDATE" && (previous === "FOR" || previous === "DO"))
    ) {
      parts.push(keyword);
      operation ||= keyword;
      if (keyword === "SELECT" && calls.length > 0) {
        calls[calls.length - 1] = false; // a subquery, not a function's arguments
      }
      expectTable = keyword === "UPDATE";
      afterFrom = false;
      inFromList = false;
    } else if (TARGET_AFTER.has(keyword) && !(keyword === "FROM" && calls.at(-1) === true)) {
      expectTable = true;
      afterFrom = keyword === "FROM";
      inFromList = false;
    } else if (CLAUSES.has(keyword)) {
      expectTable = false;
      inFromList = false;
    }
    previous = keyword;
    previousIsName = !reserved;
  }
  return { operation, text: clip(parts.join(" ")) };
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
