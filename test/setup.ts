// Tests that call the library in-process spawn git with this process's environment: a test run started
// from a git hook would otherwise hand them the hook's GIT_DIR or GIT_INDEX_FILE, and the machine's own git
// configuration (hooksPath, excludesFile, signing) would leak in. ARTIFACTS_SKIP would silence the hook.
for (const key of Object.keys(process.env)) {
  if (key.startsWith('GIT_') || key.startsWith('ARTIFACTS_')) delete process.env[key];
}
process.env.GIT_CONFIG_NOSYSTEM = '1';
process.env.GIT_CONFIG_GLOBAL = '/dev/null';
process.env.GIT_AUTHOR_NAME = process.env.GIT_COMMITTER_NAME = 'Test';
process.env.GIT_AUTHOR_EMAIL = process.env.GIT_COMMITTER_EMAIL = 'test@example.invalid';
