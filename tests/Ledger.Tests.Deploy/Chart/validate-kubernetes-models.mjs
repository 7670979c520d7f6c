// Validates every object of a multi-document YAML file against the Kubernetes OpenAPI schemas shipped in the
// npm package kubernetes-models (wrong types, missing required fields, bad enum values; it does not see unknown fields).
// Usage: node validate-kubernetes-models.mjs NODE_MODULES_DIR RENDERED_YAML_FILE
// Prints one line per object: "ok Kind/name" or "invalid Kind/name: message"; exits 1 when any object is invalid or
// its kind has no model (an object that cannot be checked is not passed).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [modules, input] = process.argv.slice(2);
if (!modules || !input) {
  console.error("usage: node validate-kubernetes-models.mjs NODE_MODULES_DIR RENDERED_YAML_FILE");
  process.exit(2);
}
const yaml = createRequire(join(modules, "js-yaml", "package.json"))(join(modules, "js-yaml"));
const documents = yaml.loadAll(readFileSync(input, "utf8")).filter((d) => d !== null && d !== undefined);
let invalid = 0;
for (const object of documents) {
  const name = `${object.kind}/${object.metadata?.name ?? "?"}`;
  // apiVersion "apps/v1" is kubernetes-models/apps/v1/Kind.js, "v1" (the core group) kubernetes-models/v1/Kind.js.
  const file = join(modules, "kubernetes-models", ...String(object.apiVersion).split("/"), `${object.kind}.js`);
  let model;
  try {
    model = (await import(pathToFileURL(file).href))[object.kind];
  } catch {
    model = undefined;
  }
  if (typeof model !== "function") {
    console.log(`invalid ${name}: no model for apiVersion ${object.apiVersion} kind ${object.kind}`);
    invalid++;
    continue;
  }
  try {
    new model(object).validate();
    console.log(`ok ${name}`);
  } catch (error) {
    console.log(`invalid ${name}: ${String(error.message ?? error).replace(/\s+/g, " ")}`);
    invalid++;
  }
}
console.log(`${documents.length} objects, ${invalid} invalid`);
process.exit(invalid === 0 ? 0 : 1);
