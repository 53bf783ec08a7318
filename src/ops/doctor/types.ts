/** One line of `nano-imagine doctor`. */
export interface CheckResult {
  readonly name: string;
  readonly status: 'ok' | 'fail' | 'warn' | 'skip';
  readonly detail: string;
  /** What to do about a failure. */
  readonly fix?: string;
}
