// Each vendor's "the prompt does not fit" error, recognised so the loop can compact and retry instead of ending the
// run. Several state the limit, which is then learned as the model's window (unknown models start from a guess).

const OVERFLOW = [
  /context_length_exceeded/i, // OpenAI's error code (also in its message on some proxies)
  /maximum context length/i, // OpenAI, vLLM, LiteLLM
  /prompt is too long/i, // Anthropic
  /input token count.*exceeds the maximum/i, // Gemini INVALID_ARGUMENT
  /input tokens exceed/i, // OpenAI Responses-era wording
  /exceeds? (the )?(context window|context length|token limit|maximum number of tokens)/i, // vscode-lm (Copilot), others
  /longer than the model's context length/i, // vLLM
  /context length of only \d+/i, // LM Studio
  /too many tokens|token count of \d+ exceeds/i,
];

const LIMIT = [
  /maximum context length is (\d+)/i,
  /tokens? > (\d+) maximum/i,
  /maximum number of tokens allowed \((\d+)\)/i,
  /(?:configured )?limit of (\d+)/i,
  /context length \((\d+) tokens?\)/i,
  /context length of only (\d+)/i,
];

/**
 * Whether a failure is a context overflow, and the limit it states. `status` is the HTTP status when there is one:
 * only a client error qualifies (a 429 "tokens per minute" is a rate limit, not an overflow).
 */
export function contextOverflow(message: string, status?: number, code?: string): { limit?: number } | undefined {
  if (status !== undefined && status !== 400 && status !== 413 && status !== 422) return undefined;
  if (code !== 'context_length_exceeded' && !OVERFLOW.some((re) => re.test(message))) return undefined;
  for (const re of LIMIT) {
    const n = Number(re.exec(message)?.[1]);
    if (Number.isInteger(n) && n >= 1000) return { limit: n };
  }
  return {};
}
