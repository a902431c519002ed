// The configuration entry point for the CLI: load a suite or a gate (with all its suites) into a
// plan, or into every error found. Each loader lives in its own file; this one only gathers them.
export { loadSuite, type LoadContext } from './suite.ts';
export { loadGate } from './gate.ts';
export { formatConfigErrors, type ConfigError, type LoadResult } from './errors.ts';
export { parseDuration } from './duration.ts';
export { resolveModel } from './models.ts';
