// Builds static_build/ from the pinned npm packages: Cairn's CSS compiled from GOV.UK Frontend's
// Sass, GOV.UK Frontend's JavaScript, htmx, and axe-core for the browser tests.
// Nothing from the packages is committed to the repository.
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const out = join(root, "static_build");
const nm = join(root, "node_modules");

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "cairn"), { recursive: true });
mkdirSync(join(out, "vendor"), { recursive: true });

const css = sass.compile(join(root, "ui", "assets", "cairn.scss"), {
  style: "compressed",
  importers: [new sass.NodePackageImporter(root)],
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(join(out, "cairn", "cairn.css"), css.css);

for (const [from, to] of [
  ["govuk-frontend/dist/govuk/govuk-frontend.min.js", "vendor/govuk-frontend.min.js"],
  ["htmx.org/dist/htmx.min.js", "vendor/htmx.min.js"],
  ["axe-core/axe.min.js", "vendor/axe.min.js"],
]) {
  copyFileSync(join(nm, from), join(out, to));
}
console.log(`Built ${out}`);
