// A bare Server-Sent Events reader for the scale tests: the blocks of a response body, with each one's id and data.
export interface EventBlock {
  id?: string;
  data?: string;
}

/** Yields each block as it completes; comment lines are skipped. Ends when the body ends or the fetch is aborted. */
export async function* eventBlocks(body: ReadableStream<Uint8Array>): AsyncGenerator<EventBlock> {
  const decoder = new TextDecoder();
  let buffer = "";
  let block: EventBlock = {};
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf("\n")) !== -1) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 1);
      if (line === "") {
        if (block.id !== undefined || block.data !== undefined) yield block;
        block = {};
      } else if (line.startsWith("id: ")) block.id = line.slice(4);
      else if (line.startsWith("data: ")) block.data = block.data === undefined ? line.slice(6) : `${block.data}\n${line.slice(6)}`;
    }
  }
}
