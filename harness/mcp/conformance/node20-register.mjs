// node --import this before the conformance CLI (see node20-fs.mjs).
import { register } from 'node:module';

register('./node20-hooks.mjs', import.meta.url);
