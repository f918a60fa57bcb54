import { Type } from "class-transformer";
import {
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from "class-validator";

// The request shapes, checked by the global ValidationPipe (class-validator), with the limits
// of Trellis's notes service and its messages' wording ("title: must not be empty").

/** Postgres text cannot hold U+0000: refused here rather than failing as a 500. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is the character it refuses.
const NO_NUL = /^[^\u0000]*$/;

export class CreateNoteBody {
  @IsString({ message: "expected a string" })
  @Matches(/\S/, { message: "must not be empty" })
  @Matches(NO_NUL, { message: "must not contain NUL characters" })
  @MaxLength(200, { message: "must have at most 200 characters" })
  title!: string;

  @IsOptional()
  @IsString({ message: "expected a string" })
  @Matches(NO_NUL, { message: "must not contain NUL characters" })
  @MaxLength(20_000, { message: "must have at most 20000 characters" })
  body?: string;
}

export class ListNotesQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: "expected a 32-bit integer" })
  @Min(1, { message: "must be between 1 and 100" })
  @Max(100, { message: "must be between 1 and 100" })
  page_size?: number;

  @IsOptional()
  @IsString({ message: "expected a string" })
  @MinLength(1, { message: "must not be empty" })
  page_token?: string;
}
