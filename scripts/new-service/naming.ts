/**
 * Every form of a new service's names, derived from its name and the singular of the resource
 * it stores. The template spells each form one way (`notes`, `Note`, `NOTE_ID`, `note_labels`,
 * `NotesService`); the renamer maps each to the form here.
 */
export interface ServiceNames {
  /** `things`: the folder, the binary, the proto package segment, `THINGS_*` settings. */
  name: string;
  /** `Things`: `ThingsService`, `createThingsService`, `startThingsServer`. */
  namePascal: string;
  /** `thing`, `Thing`, `THING`: one record (`ThingRecord`, `THING_ID`, `get-thing.ts`). */
  singular: string;
  singularPascal: string;
  singularUpper: string;
  /** `things`, `Things`, `THINGS`: the table, the repository, `/api/things`, `ListThings`. */
  plural: string;
  pluralPascal: string;
  pluralUpper: string;
  /** `@trellis/things`. */
  packageName: string;
  /** `trellis.things.v1`. */
  protoPackage: string;
  /** `trellis.things.v1.ThingsService`, the name the gateway's REST entry and the kit bind. */
  protoService: string;
}

/** Lower-case letters and digits, starting with a letter: valid in every place a name goes. */
export const IDENTIFIER = /^[a-z][a-z0-9]*$/;

const SIBILANT = /(s|x|z|ch|sh)$/;
const CONSONANT_Y = /[^aeiou]y$/;

/** The regular English plural: box -> boxes, category -> categories, thing -> things. */
export function pluralize(singular: string): string {
  if (CONSONANT_Y.test(singular)) {
    return `${singular.slice(0, -1)}ies`;
  }
  return SIBILANT.test(singular) ? `${singular}es` : `${singular}s`;
}

/**
 * The singular of a regular plural, or null when the word does not look plural (`inventory`,
 * `status`, `class`: words in -ss, -us and -is are singulars).
 */
export function singularize(word: string): string | null {
  if (/[^aeiou]ies$/.test(word)) {
    return `${word.slice(0, -3)}y`;
  }
  if (/(sses|xes|zes|ches|shes)$/.test(word)) {
    return word.slice(0, -2);
  }
  if (/s$/.test(word) && !/(ss|us|is)$/.test(word) && word.length > 1) {
    return word.slice(0, -1);
  }
  return null;
}

/** `things` -> `Things`. Names are single lower-case words, so this is the whole of Pascal case. */
export function pascal(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/**
 * The names of a service called `name` storing `resource` records. Without a resource, a plural
 * name gives its singular (things -> thing) and any other name is its own singular
 * (inventory -> inventory, inventories).
 */
export function serviceNames(name: string, resource?: string): ServiceNames {
  const singular = resource ?? singularize(name) ?? name;
  const plural = resource === undefined && singular !== name ? name : pluralize(singular);
  const protoPackage = `trellis.${name}.v1`;
  return {
    name,
    namePascal: pascal(name),
    singular,
    singularPascal: pascal(singular),
    singularUpper: singular.toUpperCase(),
    plural,
    pluralPascal: pascal(plural),
    pluralUpper: plural.toUpperCase(),
    packageName: `@trellis/${name}`,
    protoPackage,
    protoService: `${protoPackage}.${pascal(name)}Service`,
  };
}
