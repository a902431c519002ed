// node:fs as @modelcontextprotocol/conformance 0.1.16 imports it, on Node 20: the package imports
// fs.globSync (Node 22+) at load time for its tier-check command, which embedgate never runs, so
// on Node 20 the whole CLI failed to load. Where Node has globSync this is node:fs unchanged.
import fs from 'node:fs';

export * from 'node:fs';
export default fs;
export const globSync =
  fs.globSync ??
  (() => {
    throw new Error('fs.globSync needs Node 22 or later (the conformance tier-check command uses it)');
  });
