// Validates Kubernetes Job manifests against the Job schema of kubernetes-models (generated from Kubernetes' OpenAPI
// specification), then proves the check can fail: a copy with `completions` as a string must be refused.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { Job } from "kubernetes-models/batch/v1/Job";

function validate(name, text) {
  const problems = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) { problems.push(`${name}: not YAML: ${doc.errors[0].message}`); continue; }
    const obj = doc.toJS();
    if (obj?.apiVersion !== "batch/v1" || obj?.kind !== "Job") { problems.push(`${name}: expected a batch/v1 Job, found ${obj?.apiVersion} ${obj?.kind}`); continue; }
    try { new Job(obj).validate(); }
    catch (e) { problems.push(`${name}: ${e.message}`); }
  }
  return problems;
}

let failed = false;
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, "utf8");
  const problems = validate(file, text);
  if (problems.length > 0) { failed = true; problems.forEach(p => console.error(p)); }
  else console.log(`${file}: a valid batch/v1 Job`);
  const broken = validate(`${file} (completions as a string)`, text.replace(/completions:\s*(\d+)/, 'completions: "$1"'));
  if (broken.length === 0) { failed = true; console.error(`${file}: the schema check accepted a copy with completions as a string; it checks nothing`); }
  else console.log(`  and a copy with completions as a string is refused: ${broken[0]}`);
}
process.exit(failed ? 1 : 0);
