// How tests start the MCP fixture server (fixture-server.ts): the argv of its stdio form, for a
// suite's or a target's command, and its Streamable HTTP form as a child of the test.
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { spawnTestServer } from '../../../http-client/testing/processes.ts';

export const FIXTURE_SERVER = fileURLToPath(new URL('./fixture-server.ts', import.meta.url));
export const TINY_DATASET = fileURLToPath(new URL('../../../../fixtures/datasets/tiny-code', import.meta.url));

export interface FixtureOptions {
  model?: string;
  /** A BEIR folder to index for the search tool. */
  index?: string;
  /** 'text': tool embed_texts(inputs), vectors at data.vectors in a JSON text block. */
  style?: 'embedgate' | 'text';
}

const flags = (o: FixtureOptions) => ['--model', o.model ?? 'baseline', ...(o.index ? ['--index', o.index] : []), ...(o.style ? ['--style', o.style] : [])];

/** argv that starts the fixture over stdio. */
export function fixtureCommand(o: FixtureOptions = {}): string[] {
  return [process.execPath, '--import', 'tsx', FIXTURE_SERVER, '--stdio', ...flags(o)];
}

/** Starts the fixture over Streamable HTTP; resolves to its MCP URL once it listens. */
export async function spawnFixtureHttp(o: FixtureOptions, children: ChildProcess[]): Promise<{ url: string; child: ChildProcess }> {
  return spawnTestServer(FIXTURE_SERVER, flags(o), children);
}
