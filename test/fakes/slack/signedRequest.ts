/** HTTP-mode deliveries signed the way Slack signs them (v0 HMAC-SHA256 of `v0:{timestamp}:{body}`). */
import { createHmac } from 'node:crypto';

export interface SignOptions {
  readonly secret: string;
  /** Unix seconds. @defaultValue now */
  readonly timestamp?: number;
  /** Replaces the computed signature (a forged or corrupted request). */
  readonly signature?: string;
  /** Slack's redelivery counter (`X-Slack-Retry-Num`). */
  readonly retryNum?: number;
  /** Why Slack retried (`X-Slack-Retry-Reason`: `http_timeout`, `http_error`, …). @defaultValue 'http_timeout' */
  readonly retryReason?: string;
}

export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** POSTs a signed body and returns the status and the (JSON when possible) reply. */
export async function sendSigned(url: string, body: string, contentType: string, o: SignOptions): Promise<{ status: number; body: unknown }> {
  const timestamp = o.timestamp ?? Math.floor(Date.now() / 1000);
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': o.signature ?? slackSignature(o.secret, timestamp, body),
      ...(o.retryNum === undefined ? {} : { 'x-slack-retry-num': String(o.retryNum), 'x-slack-retry-reason': o.retryReason ?? 'http_timeout' }),
    },
    body,
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // Plain-text acks stay text.
  }
  return { status: response.status, body: parsed };
}

/** The wire form of each delivery kind: commands urlencoded, interactivity as `payload=<JSON>`, events JSON. */
export function encodeDelivery(kind: 'command' | 'interactive' | 'event', payload: unknown): { body: string; contentType: string } {
  if (kind === 'event') return { body: JSON.stringify(payload), contentType: 'application/json' };
  const form = kind === 'command' ? new URLSearchParams(payload as Record<string, string>) : new URLSearchParams({ payload: JSON.stringify(payload) });
  return { body: form.toString(), contentType: 'application/x-www-form-urlencoded' };
}
