/**
 * For endpoints without a working parallel-calls switch (Gemini has none; some OpenAI-compatible servers ignore or
 * reject `parallel_tool_calls`), the request asks in the system prompt instead.
 */
export const ONE_CALL_PER_TURN = 'Call at most one tool per turn, then wait for its result before calling the next.';

export function withOneCallPerTurn(system: string): string {
  return [system, ONE_CALL_PER_TURN].filter((s) => s.trim()).join('\n\n');
}
