// A Server-Sent Events parser after the WHATWG spec (§9.2.6), fed decoded text in chunks cut anywhere.

export type EventStreamItem =
  /** An event with data; `lastEventId` is the stream's last event id once it is dispatched. */
  | { kind: "event"; type: string; data: string; lastEventId: string }
  /** A block without data that moved the last event id: a position to resume from, nothing to read. */
  | { kind: "id"; lastEventId: string }
  /** The reconnection time the server asks for, in ms. */
  | { kind: "retry"; ms: number };

/**
 * The most a block (its data so far, and the line being read) may hold, in UTF-16 units. A message
 * event is a few kB at most; past this the peer is not a Lyftr stream, and reading on would only
 * grow memory without end.
 */
export const MAX_BLOCK_CHARS = 1 << 20;

/** A block outgrew MAX_BLOCK_CHARS. */
export class EventStreamTooLarge extends Error {
  constructor(limit: number) {
    super(`event stream block over ${limit} characters without an end: not an event stream of this API`);
    this.name = "EventStreamTooLarge";
  }
}

export class EventStreamParser {
  /** The line being read: no CR or LF in it. */
  private buffer = "";
  /** A chunk ended on CR: a LF starting the next one belongs to the same line end. */
  private afterCR = false;
  private data = "";
  private type = "";
  private idBuffer: string;
  private dispatchedId: string;

  /** `lastEventId`: what a reconnecting client already had, so a block without `id:` keeps it. */
  constructor(
    lastEventId = "",
    private readonly maxBlockChars = MAX_BLOCK_CHARS,
  ) {
    this.idBuffer = lastEventId;
    this.dispatchedId = lastEventId;
  }

  /**
   * The items the complete lines in `text` make. A byte order mark is the decoder's to strip
   * (TextDecoder does); a block the stream ends in the middle of is never dispatched. Throws
   * EventStreamTooLarge once a block outgrows the limit.
   */
  push(text: string): EventStreamItem[] {
    const items: EventStreamItem[] = [];
    if (text === "") return items;
    const chunk = this.buffer + (this.afterCR && text.startsWith("\n") ? text.slice(1) : text);
    this.afterCR = false;
    let lineStart = 0;
    // The buffer holds no line end: only the new text is scanned, so a long line costs its length once.
    for (let i = this.buffer.length; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.line(chunk.slice(lineStart, i), items);
      if (c === 13) {
        if (i + 1 === chunk.length) this.afterCR = true;
        else if (chunk.charCodeAt(i + 1) === 10) i++;
      }
      lineStart = i + 1;
    }
    this.buffer = chunk.slice(lineStart);
    if (this.buffer.length + this.data.length > this.maxBlockChars) throw new EventStreamTooLarge(this.maxBlockChars);
    return items;
  }

  private line(line: string, items: EventStreamItem[]): void {
    if (line === "") return this.dispatch(items);
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    switch (field) {
      case "data":
        this.data += `${value}\n`;
        if (this.data.length > this.maxBlockChars) throw new EventStreamTooLarge(this.maxBlockChars);
        break;
      case "event":
        this.type = value;
        break;
      case "id":
        if (!value.includes("\0")) this.idBuffer = value;
        break;
      case "retry":
        if (/^[0-9]+$/.test(value)) items.push({ kind: "retry", ms: Number(value) });
        break;
      // Any other field is ignored, as the spec says.
    }
  }

  private dispatch(items: EventStreamItem[]): void {
    const moved = this.idBuffer !== this.dispatchedId;
    this.dispatchedId = this.idBuffer;
    const type = this.type || "message";
    this.type = "";
    if (this.data === "") {
      if (moved) items.push({ kind: "id", lastEventId: this.dispatchedId });
      return;
    }
    const data = this.data.slice(0, -1);
    this.data = "";
    items.push({ kind: "event", type, data, lastEventId: this.dispatchedId });
  }
}
