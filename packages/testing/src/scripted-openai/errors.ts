/** The body OpenAI answers errors with: `{ error: { message, type, param, code } }`. */
export function openAIErrorBody(
  status: number,
  message: string,
  type?: string,
  code?: string,
): { error: { message: string; type: string; param: null; code: string | null } } {
  return {
    error: {
      message,
      type: type ?? (status >= 500 ? 'server_error' : 'invalid_request_error'),
      param: null,
      code: code ?? null,
    },
  };
}
