#!/usr/bin/env node
// Prints the one closing line CI reads, "N passed, N failed", from jest's --json result.
// A run that stopped before jest (typecheck, lint, build) counts as one failure.
const fs = require('node:fs');
const [file, exitStatus] = process.argv.slice(2);
let passed = 0;
let failed = 0;
try {
  const result = JSON.parse(fs.readFileSync(file, 'utf8'));
  passed = result.numPassedTests;
  failed = result.numFailedTests + (result.numRuntimeErrorTestSuites ?? 0);
  if (Number(exitStatus) !== 0 && failed === 0) failed = 1;
} catch {
  failed = 1;
}
console.log(`${passed} passed, ${failed} failed`);
