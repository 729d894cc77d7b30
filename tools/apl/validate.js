#!/usr/bin/env node
// Runs Amazon's apl-suggester over APL documents and prints what it reports, as JSON.
//
//   node tools/apl/validate.js skill/apl/answer.json skill/apl/list.json
//   node tools/apl/validate.js --stdin < checks.json
//
// With --stdin the input is {"<name>": {"document": {...}, "datasources": {...}}, ...}: each
// document is validated, and so are its datasources (the suggester's own datasource rule). The
// output is a JSON list of findings {name, path, level, message}; the exit code is 1 when there
// is any, 0 when none, 2 when the input cannot be read. tests/test_apl_suggester.py runs this.
//
// The suggester also writes "No mixin for component : X" through console.warn while it loads
// its schemas. That is about its own tables (which parent types add layout properties to a
// child), not about a document, so it goes to stderr and is not a finding.
'use strict';

const fs = require('fs');
const path = require('path');
const { StaticAplTemplateValidator } = require('apl-suggester');

function readChecks(argv) {
  if (argv[0] === '--stdin') {
    return JSON.parse(fs.readFileSync(0, 'utf8'));
  }
  const checks = {};
  for (const file of argv) {
    checks[path.basename(file)] = { document: JSON.parse(fs.readFileSync(file, 'utf8')) };
  }
  return checks;
}

function asFindings(name, results) {
  return results.map((r) => ({
    name, path: r.path, level: r.level || 'WARNING', message: r.errorMessage,
  }));
}

async function main() {
  let checks;
  try {
    checks = readChecks(process.argv.slice(2));
  } catch (error) {
    console.error(`validate.js: ${error.message}`);
    return 2;
  }
  if (Object.keys(checks).length === 0) {
    console.error('validate.js: no documents given');
    return 2;
  }
  const warn = console.warn;
  console.warn = (...args) => process.stderr.write(`apl-suggester: ${args.join(' ')}\n`);
  const findings = [];
  try {
    for (const [name, check] of Object.entries(checks)) {
      // a fresh validator per document: its schema cache is keyed by the document's version
      const validator = new StaticAplTemplateValidator();
      findings.push(...asFindings(name, await validator.validate(check.document)));
      if (check.datasources !== undefined) {
        findings.push(...asFindings(name, await validator.validateDataSources(check.datasources)));
      }
    }
  } finally {
    console.warn = warn;
  }
  process.stdout.write(`${JSON.stringify(findings, null, 2)}\n`);
  return findings.length ? 1 : 0;
}

main().then((code) => { process.exitCode = code; }, (error) => {
  console.error(`validate.js: ${error.stack || error}`);
  process.exitCode = 2;
});
