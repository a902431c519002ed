// The `server:` sub-block of load and memory suites: how the harness starts `embedgate serve` for
// gguf targets. Queue and cache defaults are embedgate serve's own, so they are not applied here.
import { Type } from '../typebox.ts';
import { StringEnum, withDefault } from '../params.ts';

export function serverParams(description: string) {
  return Type.Object(
    {
      queue: Type.Optional(Type.Integer({ minimum: 1, description: 'texts queued or running before 503 (default 1024; the overload suite sets a small one)' })),
      cacheMb: Type.Optional(Type.Integer({ minimum: 0, description: 'embedding cache in MiB, 0 disables (default 64)' })),
      overflow: StringEnum(['error', 'truncate'] as const, withDefault('inputs longer than the context', 'truncate', ': corpus texts can be long')),
    },
    { additionalProperties: false, description, default: {} },
  );
}
