// The defaults of `audit`'s options, shared by the clipanion command and the bin's fast path (which takes
// the plain `audit [--json]` and so the defaults for the rest). Kept apart so that the CLI loads no audit code.
export const AUDIT_DEFAULTS = { top: '10', by: 'run' } as const;
