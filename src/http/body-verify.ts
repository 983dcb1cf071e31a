import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from './errors.ts';

/**
 * `verify` hooks for the body parsers. Both parsers would otherwise turn bytes that are not UTF-8
 * into U+FFFD without a word, so a name sent in another encoding would be stored garbled; a
 * request body must be UTF-8, and is refused with 400 when it is not.
 */

const utf8 = new TextDecoder('utf-8', { fatal: true });

function isUtf8(bytes: Uint8Array): boolean {
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

const invalidUtf8 = () => new HttpError(400, 'invalid_utf8', 'invalid_utf8');

/** What a charset parameter names is what the parser decodes with; only UTF-8 is checked. */
function isUtf8Charset(encoding: string | null | undefined): boolean {
  return !encoding || encoding.toLowerCase() === 'utf-8' || encoding.toLowerCase() === 'utf8';
}

/** express.json: the raw bytes must be UTF-8 (JSON's "\u…" escapes are checked by the forms). */
export function verifyJsonBody(_req: IncomingMessage, _res: ServerResponse, body: Buffer, encoding: string | null): void {
  if (isUtf8Charset(encoding) && !isUtf8(body)) throw invalidUtf8();
}

const PERCENT = 0x25;
const PLUS = 0x2b;
const SPACE = 0x20;

function hexValue(byte: number | undefined): number {
  if (byte === undefined) return -1;
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

/**
 * The body with every "%XX" replaced by its byte and "+" by a space, as the parser decodes
 * names and values. The separators "&" and "=" are ASCII and can never sit inside a multi-byte
 * sequence, so the whole body is valid UTF-8 exactly when each decoded name and value is.
 */
function percentDecoded(body: Buffer): Uint8Array {
  const out = new Uint8Array(body.length);
  let length = 0;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i]!;
    const high = byte === PERCENT ? hexValue(body[i + 1]) : -1;
    const low = high >= 0 ? hexValue(body[i + 2]) : -1;
    if (low >= 0) {
      out[length++] = high * 16 + low;
      i += 2;
    } else {
      out[length++] = byte === PLUS ? SPACE : byte;
    }
  }
  return out.subarray(0, length);
}

/**
 * The parser (qs) drops a field named "__proto__" without a trace, so a form carrying one would
 * be read as if it had not; it is refused as a field of no form, as the services refuse others.
 */
const DROPPED_NAME = '__proto__';

/** express.urlencoded: the raw bytes and every percent-decoded name and value must be UTF-8. */
export function verifyFormBody(_req: IncomingMessage, _res: ServerResponse, body: Buffer, encoding: string | null): void {
  const isUtf8Body = isUtf8Charset(encoding);
  if (isUtf8Body && (!isUtf8(body) || !isUtf8(percentDecoded(body)))) throw invalidUtf8();
  for (const name of new URLSearchParams(body.toString(isUtf8Body ? 'utf8' : 'latin1')).keys()) {
    if (name === DROPPED_NAME) throw new HttpError(422, 'prototype_field', 'prototype_field');
  }
}
