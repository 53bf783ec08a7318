import type { IncomingMessage } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { type BufferedIncomingMessage, HTTPModuleFunctions, isValidSlackRequest } from '@slack/bolt';

/** Slack's window for `X-Slack-Request-Timestamp`, applied both ways. */
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

export type Admission =
  | { readonly ok: true; readonly request: BufferedIncomingMessage }
  | { readonly ok: false; readonly status: 400 | 401 | 413; readonly reason: string };

export interface AdmitOptions {
  readonly signingSecret: string;
  /** Epoch milliseconds. */
  readonly now: () => number;
  /** @defaultValue Bolt's own limit (4 MB) */
  readonly bodyLimit?: number;
}

const FORM = 'application/x-www-form-urlencoded';

/**
 * Decides, before Bolt parses anything, whether a POST to the events path may reach Bolt: the
 * timestamp is within five minutes of now in either direction (Bolt refuses only stale ones), the
 * signature is Slack's, and the body parses — the way Bolt will parse it — to a JSON object. Bolt
 * reads properties of whatever `JSON.parse` returns, so a signed `null` would otherwise crash the
 * process, and an array or a number would hang until Bolt's unhandled-request timeout.
 *
 * Slack's `ssl_check=1` form is let through unsigned, as Bolt does (it answers it and keeps nothing
 * else of the body).
 */
export async function admitSlackRequest(req: IncomingMessage, o: AdmitOptions): Promise<Admission> {
  let request: BufferedIncomingMessage;
  try {
    request = await HTTPModuleFunctions.bufferIncomingMessage(req, o.bodyLimit ?? HTTPModuleFunctions.defaultBodyLimit);
  } catch (error) {
    if (HTTPModuleFunctions.isRawBodyError(error) && error.statusCode === 413) return { ok: false, status: 413, reason: 'body too large' };
    return { ok: false, status: 400, reason: 'body could not be read' };
  }
  const text = request.rawBody.toString();
  const form = req.headers['content-type'] === FORM;
  if (form && parseQuery(text).ssl_check === '1') return { ok: true, request };

  const timestamp = single(req.headers['x-slack-request-timestamp']);
  const signature = single(req.headers['x-slack-signature']);
  if (timestamp === undefined || !/^\d{1,12}$/.test(timestamp) || signature === undefined) {
    return { ok: false, status: 401, reason: 'missing or malformed signature headers' };
  }
  const skew = Math.abs(Math.floor(o.now() / 1000) - Number(timestamp));
  if (skew > MAX_CLOCK_SKEW_SECONDS) return { ok: false, status: 401, reason: 'timestamp more than 5 minutes from now' };
  const signed = isValidSlackRequest({
    signingSecret: o.signingSecret,
    body: text,
    headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': Number(timestamp) },
    nowMilliseconds: o.now(),
  });
  if (!signed) return { ok: false, status: 401, reason: 'bad signature' };

  let body: unknown;
  try {
    // Bolt's own parser, so what is checked here is exactly what Bolt will see.
    body = HTTPModuleFunctions.parseHTTPRequestBody(request);
  } catch {
    return { ok: false, status: 400, reason: 'body is not JSON' };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, status: 400, reason: 'body is not a JSON object' };
  return { ok: true, request };
}

function single(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
