// The scripted model behind the integration and workbench tests: a FakeOpenAIServer (the real Chat Completions SSE
// wire) whose replies are chosen by a marker in the user's message, `[scenario:<name>] key=value ...` (or, for the
// screenshot's sake, by REVIEW_PROMPT alone), and by how many model turns of that request came before. A second
// tiny HTTP endpoint lets the tests inside the extension host read back what reached the "model" (request bodies,
// auth header), which is how they check the wire.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Fault, RecordedRequest } from '../fakes/httpFake';
import { FakeOpenAIServer, type ScriptedCall, type ScriptedTurn } from '../fakes/openaiServer';
import { editorTurn, editTaskPrompt, parseEditTask } from '../fakes/subagentScript';
import { HELLO_ANSWER, MATH_EDITS, NOTES_TEXT, REVIEW_ANSWER, REVIEW_EDITS, REVIEW_PROMPT, SUBAGENT_EDITS } from './scenarioData';

/** One chat request as the scenarios see it. */
export interface ScenarioRequest {
  /** 0 for the request that carries the user's message, +1 for each model turn since. */
  step: number;
  userText: string;
  /** `key=value` words of the user's message. */
  args: Record<string, string>;
  req: RecordedRequest;
}

type Scenario = (r: ScenarioRequest) => ScriptedTurn | Fault;

const MARKER = /\[scenario:([\w-]+)\]/;

const final = (text: string): ScriptedTurn => ({ text, chunkDelayMs: 5 });
const call = (name: string, args: Record<string, unknown>): ScriptedCall => ({ name, arguments: args });

/**
 * Two run_tests calls that can only "meet" if they run at the same time (see test/fixtures/workspace/tests/run.js):
 * each announces itself and waits up to `waitMs` for the other. The token is fresh per turn.
 */
function rendezvousPair(waitMs?: number): ScriptedCall[] {
  const token = Math.random().toString(36).slice(2, 8);
  const wait = waitMs === undefined ? '' : ` wait=${waitMs}`;
  return [call('run_tests', { filter: `math with greet #${token}${wait}` }), call('run_tests', { filter: `greet with math #${token}${wait}` })];
}

export const SCENARIOS: Record<string, Scenario> = {
  /** A plain streamed answer. */
  hello: () => ({ text: HELLO_ANSWER, chunkDelayMs: 20 }),

  /**
   * Turn 1: reads, a search, a listing and two run_tests that can only "meet" if they run at the same time.
   * Turn 2: three dependent edits of src/math.js, one of src/config.js, and a new file. Turn 3: the answer.
   */
  parallel: ({ step }) => {
    if (step === 0) {
      return {
        text: 'Looking at the project first.',
        calls: [
          call('read_file', { path: 'src/math.js' }),
          call('read_file', { path: 'src/config.js' }),
          call('search_workspace', { query: 'module.exports' }),
          call('list_files', { path: 'src' }),
          ...rendezvousPair(),
        ],
      };
    }
    if (step === 1) {
      return {
        text: 'Now the edits.',
        calls: [
          ...MATH_EDITS.map((e) => call('apply_edit', { path: 'src/math.js', ...e })),
          call('apply_edit', { path: 'src/config.js', oldText: 'retries: 3', newText: 'retries: 5' }),
          call('apply_edit', { path: 'src/notes.md', oldText: '', newText: NOTES_TEXT }),
        ],
      };
    }
    return final('All done: read 2 files, searched, listed, ran the tests twice and made 5 edits.');
  },

  /** Only the rendezvous pair; `wait=` bounds how long each probe waits for the other. */
  rendezvous: ({ step, args }) => (step === 0 ? { calls: rendezvousPair(args.wait ? Number(args.wait) : undefined) } : final('Tests ran.')),

  /** Reads `file=`, then replaces `old=` with `new=` in it (underscores stand for spaces). */
  edit: ({ step, args }) => {
    const file = args.file ?? 'src/greet.js';
    if (step === 0) return { calls: [call('read_file', { path: file })] };
    if (step === 1) {
      const un = (s = '') => s.replace(/_/g, ' ');
      return { calls: [call('apply_edit', { path: file, oldText: un(args.old), newText: un(args.new) })] };
    }
    return final(`Edited ${file}.`);
  },

  /** Reads the file of REVIEW_EDITS[`n=`], then makes that edit alone (a multi-line diff for n=0). */
  'review-edit': ({ step, args }) => {
    const e = REVIEW_EDITS[Number(args.n ?? 0)] ?? REVIEW_EDITS[0]!;
    if (step === 0) return { calls: [call('read_file', { path: e.path })] };
    if (step === 1) return { calls: [call('apply_edit', e)] };
    return final(`Edited ${e.path}.`);
  },

  /** A run_tests that hangs (pid written to `marker=`) next to two edits; the test makes the edits wait for
   *  approval, then stops the run. */
  stop: ({ step, args }) =>
    step === 0
      ? {
          calls: [
            call('run_tests', { filter: `hang:${args.marker}` }),
            call('apply_edit', { path: 'src/math.js', oldText: 'a * b', newText: 'a * b * 1' }),
            call('apply_edit', { path: 'src/config.js', oldText: 'timeoutMs: 5000', newText: 'timeoutMs: 1' }),
          ],
        }
      : final('This turn should never be asked for.'),

  /** The answer streamed slowly enough for a browser to see it grow. */
  'slow-hello': () => ({ text: HELLO_ANSWER, chunkDelayMs: 120 }),

  /** The workbench demo: a parallel batch, then one edit in each of three files, then a markdown answer. */
  review: ({ step }) => {
    if (step === 0) {
      return {
        text: 'Reading the project and running the tests at the same time.',
        chunkDelayMs: 30,
        calls: [
          call('read_file', { path: 'src/math.js' }),
          call('read_file', { path: 'src/greet.js' }),
          call('read_file', { path: 'src/config.js' }),
          call('search_workspace', { query: 'module.exports' }),
          call('list_files', { path: 'src' }),
          ...rendezvousPair(),
        ],
      };
    }
    if (step === 1) {
      return {
        text: 'Applying the changes.',
        calls: REVIEW_EDITS.map((e) => call('apply_edit', e)),
      };
    }
    return { text: REVIEW_ANSWER, chunkDelayMs: 10 };
  },

  /**
   * Two edit-capable subagents at once, each with its own region of `file=` (SUBAGENT_EDITS). Their prompts name
   * `sub-edit` and carry the run's tag, so the subagents' requests are scripted and found like the parent's.
   */
  subagents: ({ step, args, userText }) => {
    if (step > 0) return final('Both regions edited by subagents.');
    const runTag = /run=\S+/.exec(userText)?.[0] ?? '';
    return {
      calls: SUBAGENT_EDITS.map((edits, i) =>
        call('delegate', { prompt: `[scenario:sub-edit] ${runTag}\n${editTaskPrompt({ file: args.file ?? 'src/shared.js', edits })}`, description: `region ${i + 1}`, canEdit: true }),
      ),
    };
  },

  /** A subagent's side of `subagents`: read, edit, and after a stale refusal read again and redo (see subagentScript.ts). */
  'sub-edit': ({ req }) => editorTurn(req, parseEditTask(req)!).turn,

  /** The language tools on test/fixtures/workspace/ide: addNumbers is declared in lib.ts and called twice in main.ts. */
  'ide-lang': ({ step }) =>
    step === 0
      ? {
          calls: [
            call('go_to_definition', { path: 'ide/main.ts', line: 3, column: 30 }),
            call('find_references', { path: 'ide/lib.ts', line: 1, column: 17 }),
            call('find_symbol', { query: 'addNumbers' }),
          ],
        }
      : final('Found it.'),

  /** An edit that breaks a type, then the diagnostics of that file (same batch), and of a file never opened. */
  'ide-diag': ({ step }) =>
    step === 0
      ? {
          calls: [
            call('apply_edit', { path: 'ide/main.ts', oldText: 'number = addNumbers(1, 2)', newText: 'number = String(addNumbers(1, 2))' }),
            call('get_diagnostics', { path: 'ide/main.ts' }),
            call('get_diagnostics', { path: 'ide/bad.ts' }),
          ],
        }
      : final('Checked.'),

  /** delete_file `del=` and rename_file `from=` to `to=`, in one batch (each only when its words are given). */
  'file-ops': ({ step, args }) =>
    step === 0
      ? { calls: [...(args.del ? [call('delete_file', { path: args.del })] : []), ...(args.from ? [call('rename_file', { from: args.from, to: args.to })] : [])] }
      : final(args.del && args.from ? 'Deleted one file and renamed another.' : args.del ? `Deleted ${args.del}.` : `Renamed ${args.from} to ${args.to}.`),

  /** One run_command that leaves `marker=` behind and prints a computed word, so its output proves it ran. */
  command: ({ step, args }) =>
    step === 0 ? { calls: [call('run_command', { command: `echo ran > ${args.marker} && echo fanout-$((6*7))` })] } : final('The command ran.'),

  /** A run_tests that hangs until stopped (pid written to `marker=`), next to a read. */
  hang: ({ step, args }) =>
    step === 0 ? { calls: [call('run_tests', { filter: `hang:${args.marker}` }), call('read_file', { path: 'src/math.js' })] } : final('Never reached.'),

  /** Rejects the request the way a proxy that echoes credentials would: the key must not reach any log. */
  'echo-key': ({ req }) => ({
    kind: 'status',
    status: 401,
    body: { error: { message: `Incorrect API key provided: ${String(req.headers.authorization ?? '')}`, type: 'invalid_request_error', code: 'invalid_api_key' } },
  }),
};

function userMessages(req: RecordedRequest): { index: number; text: string }[] {
  const messages = (req.body?.messages ?? []) as { role: string; content: unknown }[];
  return messages.flatMap((m, index) => (m.role === 'user' ? [{ index, text: contentText(m.content) }] : []));
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p: { text?: string }) => p.text ?? '').join('\n');
  return '';
}

export function scenarioRequest(req: RecordedRequest): ScenarioRequest & { scenario?: string } {
  const users = userMessages(req);
  const last = users[users.length - 1] ?? { index: -1, text: '' };
  const messages = (req.body?.messages ?? []) as { role: string }[];
  const step = messages.slice(last.index + 1).filter((m) => m.role === 'assistant').length;
  const args = Object.fromEntries([...last.text.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1], m[2]]));
  const scenario = MARKER.exec(last.text)?.[1] ?? (last.text.trim() === REVIEW_PROMPT ? 'review' : undefined);
  return { step, userText: last.text, args, req, scenario };
}

/** The fake model: every chat request is answered by the scenario its last user message names. */
export function startFakeModel(): Promise<FakeOpenAIServer> {
  const server = new FakeOpenAIServer((req) => {
    const r = scenarioRequest(req);
    const scenario = r.scenario ? SCENARIOS[r.scenario] : undefined;
    if (!scenario) return final(`No scenario named in: ${r.userText.slice(0, 200)}`);
    return scenario(r);
  });
  return server.start();
}

/** What the tests in the extension host may read back: the chat requests, with the auth header but no others. */
export interface WireRecord {
  body: any;
  authorization?: string;
}

/** GET /requests -> WireRecord[] of every chat request so far. Listens on 127.0.0.1 only. */
export async function startWireEndpoint(model: FakeOpenAIServer): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/requests') return void res.writeHead(404).end();
    const records: WireRecord[] = model.chatRequests.map((r) => ({ body: r.body, authorization: r.headers.authorization }));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(records));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
