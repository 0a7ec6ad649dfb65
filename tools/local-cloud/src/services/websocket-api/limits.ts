/**
 * API Gateway's WebSocket quotas (none can be raised) and the close codes it closes a connection
 * with, in one place.
 */

/** The WebSocket quotas of API Gateway. */
export interface WebSocketLimits {
  /** WebSocket frame size: 32 KB. A larger frame closes the connection with 1009. */
  readonly maxFrameBytes: number;
  /** Message payload size: 128 KB, a client's message or a `PostToConnection`'s data. */
  readonly maxMessageBytes: number;
  /** Idle connection timeout: 10 minutes without a message from the client. */
  readonly idleTimeoutMs: number;
  /** Connection duration: 2 hours. */
  readonly maxDurationMs: number;
}

/** API Gateway's quotas (developer guide, "Quotas for configuring and running a WebSocket API"). */
export const webSocketLimits: WebSocketLimits = {
  maxFrameBytes: 32 * 1024,
  maxMessageBytes: 128 * 1024,
  idleTimeoutMs: 10 * 60 * 1000,
  maxDurationMs: 2 * 60 * 60 * 1000,
};

/** Why a connection ended, with the close code and reason the client and `$disconnect` see. */
export interface CloseCause {
  readonly code: number;
  readonly reason: string;
}

/** The closes API Gateway initiates. */
export const closeCauses = {
  /** Idle for 10 minutes, open for 2 hours, the API redeployed or the cloud stopping. */
  goingAway: { code: 1001, reason: 'Going away' },
  /** A frame over 32 KB or a message over 128 KB. */
  messageTooBig: { code: 1009, reason: 'Message too big' },
  /** `DeleteConnection`. */
  deleted: { code: 1000, reason: 'Connection Closed Normally' },
} as const satisfies Record<string, CloseCause>;

/** What `$disconnect` reports for a client's close frame without a status code. */
export const noStatusCause: CloseCause = { code: 1005, reason: 'Client-side close frame status not set' };

/**
 * Watches the frames a client sends on a raw socket for one larger than `maxFrameBytes`: the `ws`
 * server limits a whole message (`maxPayload`), not each frame, and API Gateway limits both. It
 * reads only each frame's header (RFC 6455 section 5.2) and skips the payload.
 *
 * @example
 * ```ts
 * socket.prependListener('data', frameWatcher(webSocketLimits.maxFrameBytes, () => ws.close(1009, 'Message too big')));
 * ```
 */
export function frameWatcher(maxFrameBytes: number, onTooBig: () => void): (chunk: Buffer) => void {
  let pending = Buffer.alloc(0);
  /** Payload bytes of the current frame still to skip. */
  let skip = 0;
  let tripped = false;
  return (chunk) => {
    if (tripped) return;
    let data = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
    pending = Buffer.alloc(0);
    while (data.length > 0) {
      if (skip > 0) {
        const skipped = Math.min(skip, data.length);
        skip -= skipped;
        data = data.subarray(skipped);
        continue;
      }
      const header = frameHeader(data);
      if (header === undefined) {
        pending = Buffer.from(data);
        return;
      }
      if (header.payloadLength > maxFrameBytes) {
        tripped = true;
        onTooBig();
        return;
      }
      skip = header.payloadLength;
      data = data.subarray(header.headerLength);
    }
  };
}

/** A frame header's length and payload length; `undefined` while the header is incomplete. */
function frameHeader(data: Buffer): { headerLength: number; payloadLength: number } | undefined {
  if (data.length < 2) return undefined;
  const second = data[1] ?? 0;
  const masked = (second & 0x80) !== 0;
  const short = second & 0x7f;
  const extended = short === 126 ? 2 : short === 127 ? 8 : 0;
  const headerLength = 2 + extended + (masked ? 4 : 0);
  if (data.length < headerLength) return undefined;
  const payloadLength =
    short === 126 ? data.readUInt16BE(2) : short === 127 ? Number(data.readBigUInt64BE(2)) : short;
  return { headerLength, payloadLength };
}
