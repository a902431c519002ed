// A stand-in test command for the tests kind's own tests: writes a JUnit report and an lcov file
// as a test runner would, prints a line, and exits with the code it is given.
//   --junit FILE --pass N --fail N --skip N   the JUnit report (left out without --junit)
//   --lcov FILE --covered N --lines N          the lcov file (left out without --lcov)
//   --say TEXT --exit N
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: v } = parseArgs({
  options: {
    junit: { type: 'string' },
    pass: { type: 'string', default: '0' },
    fail: { type: 'string', default: '0' },
    skip: { type: 'string', default: '0' },
    lcov: { type: 'string' },
    covered: { type: 'string', default: '0' },
    lines: { type: 'string', default: '0' },
    say: { type: 'string' },
    exit: { type: 'string', default: '0' },
  },
});
const n = (s) => Number(s);
if (v.junit) {
  const cases = [
    ...Array.from({ length: n(v.pass) }, (_, i) => `<testcase classname="embed.test.ts" name="passes ${i}" time="0.001"/>`),
    ...Array.from({ length: n(v.fail) }, (_, i) => `<testcase classname="embed.test.ts" name="fails ${i}" time="0.001"><failure message="expected 768 dimensions, got 767" type="AssertionError"/></testcase>`),
    ...Array.from({ length: n(v.skip) }, (_, i) => `<testcase classname="embed.test.ts" name="skipped ${i}" time="0"><skipped/></testcase>`),
  ];
  writeFileSync(v.junit, `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="stand-in">\n<testsuite name="embed.test.ts" tests="${cases.length}" failures="${v.fail}" skipped="${v.skip}">\n${cases.join('\n')}\n</testsuite>\n</testsuites>\n`);
}
if (v.lcov) {
  const da = Array.from({ length: n(v.lines) }, (_, i) => `DA:${i + 1},${i < n(v.covered) ? 1 : 0}`);
  writeFileSync(v.lcov, `TN:\nSF:src/embed.ts\n${da.join('\n')}\nLF:${v.lines}\nLH:${v.covered}\nend_of_record\n`);
}
if (v.say) console.log(v.say);
process.exit(n(v.exit));
