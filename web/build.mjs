// Copy the browser builds of htmx and ECharts into the Python package (api/web/static/vendor/).
// Run after `npm ci`: `npm run build`. The output is committed, so installing the Python package needs no npm.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "api", "web", "static", "vendor");
mkdirSync(out, { recursive: true });

const files = [
  ["htmx.org", "dist/htmx.min.js", "htmx.min.js"],
  ["echarts", "dist/echarts.min.js", "echarts.min.js"],
];
const versions = {};
for (const [pkg, from, to] of files) {
  const root = join(here, "node_modules", pkg);
  copyFileSync(join(root, from), join(out, to));
  versions[pkg] = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;
  console.log(`${pkg}@${versions[pkg]} ${from} -> api/web/static/vendor/${to}`);
}
copyFileSync(join(here, "node_modules", "echarts", "LICENSE"), join(out, "ECHARTS-LICENSE.txt"));
copyFileSync(join(here, "node_modules", "htmx.org", "LICENSE"), join(out, "HTMX-LICENSE.txt"));
writeFileSync(join(out, "versions.json"), JSON.stringify(versions, null, 2) + "\n");
