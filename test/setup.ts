// Tests that call the library in-process spawn git with this process's environment: a test run started
// from a git hook would otherwise hand them the hook's GIT_DIR or GIT_INDEX_FILE.
for (const key of Object.keys(process.env)) {
  if (key.startsWith('GIT_')) delete process.env[key];
}
