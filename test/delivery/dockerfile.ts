/** One Dockerfile instruction, continuation lines joined. */
export interface Instruction {
  /** Upper case: FROM, COPY, HEALTHCHECK... */
  keyword: string;
  /** Everything after the keyword, continuation backslashes removed. */
  args: string;
  /** 1-based line where the instruction starts. */
  line: number;
}

/** The instructions from one FROM up to the next. */
export interface Stage {
  from: Instruction;
  /** The `AS name` of the FROM, or null. */
  name: string | null;
  instructions: Instruction[];
}

/** Splits a Dockerfile into instructions; comments and blank lines go, heredocs are not used. */
export function parseDockerfile(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  // The instruction being read while its lines end in a backslash, and where it started.
  let parts: string[] = [];
  let start = 0;
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line.startsWith("#") || (line === "" && parts.length === 0)) {
      continue;
    }
    if (parts.length === 0) {
      start = index + 1;
    }
    const continues = line.endsWith("\\");
    parts.push(continues ? line.slice(0, -1).trim() : line);
    if (!continues) {
      const [keyword = "", ...rest] = parts.join(" ").split(/\s+/);
      instructions.push({ keyword: keyword.toUpperCase(), args: rest.join(" "), line: start });
      parts = [];
    }
  }
  return instructions;
}

/** The build stages, in order; the last one is the image. */
export function stagesOf(instructions: Instruction[]): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === "FROM") {
      const name = /\s+AS\s+(\S+)\s*$/i.exec(instruction.args)?.[1] ?? null;
      stages.push({ from: instruction, name, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
}

/** The words of an instruction's arguments: a JSON array as is, else split on spaces. */
export function wordsOf(args: string): string[] {
  if (args.trimStart().startsWith("[")) {
    const parsed: unknown = JSON.parse(args);
    return Array.isArray(parsed) ? parsed.map(String) : [];
  }
  return args.split(/\s+/).filter((word) => word !== "");
}
