// Validates an AsyncAPI document with the official parser (@asyncapi/parser) and prints its
// diagnostics as JSON: {"valid": bool, "diagnostics": [{code, message, path, severity}]}.
// Severity 0 is an error, 1 a warning, 2 information, 3 a hint (Spectral's scale).
import { readFileSync } from "node:fs";
import { Parser } from "@asyncapi/parser";

const parser = new Parser();
const { document, diagnostics } = await parser.parse(readFileSync(process.argv[2], "utf8"));
const shown = diagnostics.map((d) => ({
  code: d.code,
  message: d.message,
  path: d.path.join("/"),
  severity: d.severity,
}));
const valid = document !== undefined && !diagnostics.some((d) => d.severity === 0);
process.stdout.write(JSON.stringify({ valid, diagnostics: shown }));
process.exit(valid ? 0 : 1);
