import { expect, test } from "bun:test";
import fc from "fast-check";
import { IDENTIFIER, pluralize, serviceNames, singularize } from "./naming.ts";

test.each([
  { name: "things", resource: undefined, singular: "thing", plural: "things" },
  { name: "categories", resource: undefined, singular: "category", plural: "categories" },
  { name: "boxes", resource: undefined, singular: "box", plural: "boxes" },
  { name: "branches", resource: undefined, singular: "branch", plural: "branches" },
  { name: "days", resource: undefined, singular: "day", plural: "days" },
  { name: "inventory", resource: undefined, singular: "inventory", plural: "inventories" },
  { name: "status", resource: undefined, singular: "status", plural: "statuses" },
  { name: "inventory", resource: "item", singular: "item", plural: "items" },
  { name: "billing", resource: "invoice", singular: "invoice", plural: "invoices" },
])("$name with resource $resource stores $singular / $plural", ({ name, resource, ...want }) => {
  const names = serviceNames(name, resource);
  expect({ singular: names.singular, plural: names.plural }).toEqual(want);
});

test("every form of a service storing items", () => {
  expect(serviceNames("inventory", "item")).toEqual({
    name: "inventory",
    namePascal: "Inventory",
    singular: "item",
    singularPascal: "Item",
    singularUpper: "ITEM",
    plural: "items",
    pluralPascal: "Items",
    pluralUpper: "ITEMS",
    packageName: "@trellis/inventory",
    protoPackage: "trellis.inventory.v1",
    protoService: "trellis.inventory.v1.InventoryService",
  });
});

test.each([
  { word: "notes", want: "note" },
  { word: "classes", want: "class" },
  { word: "wishes", want: "wish" },
  { word: "class", want: null },
  { word: "bonus", want: null },
  { word: "analysis", want: null },
  { word: "inventory", want: null },
])("singularize($word)", ({ word, want }) => {
  expect(singularize(word)).toBe(want);
});

const name = fc.stringMatching(/^[a-z][a-z0-9]{0,29}$/);

test("every form of any valid name is a valid identifier in its case", () => {
  fc.assert(
    fc.property(name, fc.option(name, { nil: undefined }), (n, resource) => {
      const names = serviceNames(n, resource);
      for (const lower of [names.name, names.singular, names.plural]) {
        expect(lower).toMatch(IDENTIFIER);
      }
      for (const pascal of [names.namePascal, names.singularPascal, names.pluralPascal]) {
        expect(pascal).toMatch(/^[A-Z][a-z0-9]*$/);
      }
      expect(names.pluralUpper).toMatch(/^[A-Z][A-Z0-9]*$/);
      expect(names.protoService).toMatch(/^trellis\.[a-z][a-z0-9]*\.v1\.[A-Z][A-Za-z0-9]*Service$/);
    }),
  );
});

// Regular singulars: a stem and an ending whose plural is unambiguous (not -s, -e, -ie, -z).
const regular = fc
  .tuple(
    fc.stringMatching(/^[a-z]{1,10}$/),
    fc.constantFrom(
      "t",
      "d",
      "k",
      "m",
      "n",
      "p",
      "r",
      "g",
      "ch",
      "sh",
      "x",
      "ay",
      "ey",
      "ty",
      "ly",
    ),
  )
  .map(([stem, ending]) => stem + ending);

test("singularize undoes pluralize for regular words", () => {
  fc.assert(fc.property(regular, (word) => singularize(pluralize(word)) === word));
});

test("a plural name is the plural of the singular it gives", () => {
  fc.assert(
    fc.property(regular, (word) => serviceNames(pluralize(word)).plural === pluralize(word)),
  );
});
