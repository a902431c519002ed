// The exit codes of every embedgate command, in one place: README and `embedgate --help` list the
// same four. 2 is decided before anything runs; 3 covers both "could not decide" and "the harness
// itself broke", since neither may be read as pass or fail.
export const EXIT = { pass: 0, fail: 1, usage: 2, inconclusive: 3 } as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
