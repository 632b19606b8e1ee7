// Prints the closing line CI reads: "N passed, N failed", as the very last line of the run (on
// exit, after jest's own summary). A test file that fails to load counts as a failure, so a
// broken suite can never pass silently.
"use strict";
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    process.once("exit", () => {
      process.stderr.write(`${results.numPassedTests} passed, ${failed} failed\n`);
    });
  }
}
module.exports = SummaryReporter;
