// review_speedup: the reference review (8 files x 3 tools = 24 calls) end to end through the headless runner's
// pieces (real OpenAI SDK against a scripted model over localhost, real tools, real NodeWorkspace), parallel vs
// parallelToolCalls: false. Runs alternate so drift on the machine hits both sides alike.
import { runReview } from '../../scripts/demo';
import { checked, fmtMs, median, repeat, reported, type Scenario } from '../lib';

export const review: Scenario = {
  title: 'reference review, parallel vs sequential',
  names: ['review_speedup', 'review_input_tokens_ratio'],
  async run({ quick, repeats, progress }) {
    // Quick mode scales the latencies down to stay well inside CI's minute; process start-up does not scale, so
    // its ratio reads lower than the full run's.
    const modelLatencyMs = quick ? 300 : 1000;
    const toolLatencyMs = quick ? 45 : 150;
    // The first run of a process pays for the SDK's first request and cold code paths; neither side should.
    await runReview({ parallel: true, modelLatencyMs, toolLatencyMs });
    // A pair takes ~35 s in full mode: three pairs are enough for a median.
    const times = Math.min(repeats, 3);
    const pairs = await repeat(times, async (i) => {
      const par = await runReview({ parallel: true, modelLatencyMs, toolLatencyMs });
      const seq = await runReview({ parallel: false, modelLatencyMs, toolLatencyMs });
      for (const [label, r] of [['parallel', par], ['sequential', seq]] as const) {
        if (r.outcome.status !== 'final' || r.calls !== 24) throw new Error(`${label} review ended ${r.outcome.status} after ${r.calls} calls: ${r.outcome.text}`);
      }
      progress(`review ${i + 1}/${times}: parallel ${fmtMs(par.wallMs)} (${par.roundTrips} round trips), sequential ${fmtMs(seq.wallMs)} (${seq.roundTrips})`);
      // What the run spent beyond waiting for the model: tools, process spawns, request handling.
      const extra = (r: typeof par) => r.wallMs - r.roundTrips * modelLatencyMs;
      return { par: par.wallMs, seq: seq.wallMs, speedup: seq.wallMs / par.wallMs, parExtra: extra(par), seqExtra: extra(seq), parTokens: par.inputTokens, seqTokens: seq.inputTokens };
    });
    const speedup = median(pairs.map((p) => p.speedup));
    const par = median(pairs.map((p) => p.par));
    const seq = median(pairs.map((p) => p.seq));
    const parExtra = median(pairs.map((p) => p.parExtra));
    const seqExtra = median(pairs.map((p) => p.seqExtra));
    const { parTokens, seqTokens } = pairs[0];
    return [
      checked('review_speedup', speedup, 'x', '>=', 7.5,
        `24 calls; model ${modelLatencyMs} ms per round trip; read/search +${toolLatencyMs} ms injected, each test run a ${toolLatencyMs} ms shell sleep (all 8 at once); ` +
          `parallel ${fmtMs(par)} (3 round trips) vs sequential ${fmtMs(seq)} (25); time beyond model latency: parallel ${fmtMs(parExtra)}, sequential ${fmtMs(seqExtra)}; ` +
          `ideal ${(25 / 3).toFixed(2)}x with free tools; median of ${times}${quick ? '; quick mode: latencies scaled down, process start-up not, so expect less than the full run' : ''}`),
      reported('review_input_tokens_ratio', seqTokens / parTokens, 'x',
        `input tokens of the same review, sequential ${seqTokens.toLocaleString('en-US')} (25 requests) vs parallel ${parTokens.toLocaleString('en-US')} (3), ` +
          'as the fake server counts what each request really carries (~4 characters a token); the reference guide\'s arithmetic: 24 contexts vs 3'),
    ];
  },
};

/** seed_review_speedup: the seed's review (git_diff, then read + blame + lint of 8 changed files) on a real git repository. */
export const seedReview: Scenario = {
  title: "seed's review on a git repository, parallel vs sequential",
  names: ['seed_review_speedup'],
  async run({ quick, repeats, progress }) {
    const modelLatencyMs = quick ? 300 : 1000;
    const toolLatencyMs = quick ? 45 : 150;
    await runReview({ parallel: true, modelLatencyMs, toolLatencyMs, scenario: 'seed' });
    const times = Math.min(repeats, 3);
    const pairs = await repeat(times, async (i) => {
      const par = await runReview({ parallel: true, modelLatencyMs, toolLatencyMs, scenario: 'seed' });
      const seq = await runReview({ parallel: false, modelLatencyMs, toolLatencyMs, scenario: 'seed' });
      for (const [label, r] of [['parallel', par], ['sequential', seq]] as const) {
        if (r.outcome.status !== 'final' || r.calls !== 25) throw new Error(`${label} seed review ended ${r.outcome.status} after ${r.calls} calls: ${r.outcome.text}`);
      }
      progress(`seed review ${i + 1}/${times}: parallel ${fmtMs(par.wallMs)} (${par.roundTrips} round trips), sequential ${fmtMs(seq.wallMs)} (${seq.roundTrips})`);
      return { par: par.wallMs, seq: seq.wallMs, speedup: seq.wallMs / par.wallMs };
    });
    const speedup = median(pairs.map((p) => p.speedup));
    return [
      checked('seed_review_speedup', speedup, 'x', '>=', 7.5,
        `git_diff, then read_file + git_blame + get_diagnostics for 8 changed files (25 calls); model ${modelLatencyMs} ms per round trip; reads +${toolLatencyMs} ms injected, git real, each lint a ${toolLatencyMs} ms shell sleep; ` +
          `parallel ${fmtMs(median(pairs.map((p) => p.par)))} (3 round trips) vs sequential ${fmtMs(median(pairs.map((p) => p.seq)))} (26); median of ${times}`),
    ];
  },
};
