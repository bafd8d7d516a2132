/*
 * What ends a run with exit code 2: bad usage (an unknown option, a missing
 * argument) or input that cannot be read (a file, a YAML document, the
 * kubeconfig, the cluster).
 */

/** Exit codes of every command. @public */
export const EXIT = {
  /** Nothing at or above the threshold (check), the request is served (trace). */
  ok: 0,
  /** Diagnostics at or above the threshold (check), the request fails (trace). */
  findings: 1,
  /** Bad usage or unreadable input. */
  input: 2,
} as const;

/** Bad usage or unreadable input; the message says what and where. @public */
export class InputError extends Error {
  readonly name = 'InputError';
  constructor(message: string, readonly details: string[] = []) {
    super(message);
  }
}
