// Prints jest's JSON summary as the plain line CI reads: "N passed, N failed".
// A run that executed no test (or crashed before writing its report) must be visible.
const fs = require('node:fs');
const file = process.argv[2];
if (!file || !fs.existsSync(file)) {
  console.log('0 passed, 0 failed');
  console.error(`test-summary: no jest report at ${file}: jest did not finish`);
  process.exit(1);
}
const r = JSON.parse(fs.readFileSync(file, 'utf8'));
const failedSuites = (r.testResults || []).filter((s) => s.status === 'failed' && (s.assertionResults || []).length === 0);
for (const s of failedSuites) console.error(`suite failed to run: ${s.name}\n${(s.message || '').slice(0, 2000)}`);
const failed = r.numFailedTests + failedSuites.length;
console.log(`${r.numPassedTests} passed, ${failed} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ''));
