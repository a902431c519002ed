// The `tests:` block.
import type { StaticDecode } from '@sinclair/typebox';
import { Type } from '../typebox.ts';
import { Duration } from '../../config/duration.ts';
import { StringEnum, withDefault } from '../params.ts';
import { FORMATS } from './coverage-summary.ts';

const OUT = '{out} stands for a fresh temporary folder of this run';

export const TESTS_PARAMS = Type.Object(
  {
    command: Type.Array(Type.String({ minLength: 1 }), {
      minItems: 1,
      description: `the test command as argv, run without a shell (for a pipeline: [sh, -c, "…"]), e.g. [npx, vitest, run, --reporter=junit, "--outputFile={out}/junit.xml"]; ${OUT}`,
    }),
    cwd: Type.Optional(Type.String({ description: 'folder the command runs in, relative to the suite file (default: the suite file\'s folder)' })),
    env: Type.Optional(Type.Record(Type.String(), Type.String(), { description: `environment variables added to the harness's own; ${OUT}` })),
    junit: Type.String({
      minLength: 1,
      description: `the JUnit XML report the command writes, relative to cwd; a * in the file name reads every matching file (one per test binary); ${OUT}`,
    }),
    coverage: Type.Optional(
      Type.Object(
        {
          file: Type.String({ minLength: 1, description: `the coverage report the command writes, relative to cwd; ${OUT}` }),
          format: StringEnum(FORMATS, withDefault('lcov, cobertura (XML), json-summary (istanbul), or auto: told from the content', 'auto')),
        },
        { additionalProperties: false, description: 'the coverage report, read into coverage.lines, coverage.branches and coverage.functions' },
      ),
    ),
    timeout: Duration(withDefault('how long the command may run before it and its processes are stopped (the suite is then inconclusive); keep it under the suite\'s timeout', '5m')),
    tailBytes: Type.Integer({ minimum: 1024, maximum: 1048576, ...withDefault('bytes of the command\'s last output kept for the report', 16384) }),
  },
  { additionalProperties: false },
);

export type TestsParams = StaticDecode<typeof TESTS_PARAMS>;
