// What `lyftr send` puts on the wire, checked independently: the file's exact bytes and their HMAC.
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lyftr, recordingServer, tempFile } from "./support.js";

const SECRET = "bytes-s€cret";
const hmacHex = (key: string | Buffer, bytes: Buffer) => createHmac("sha256", key).update(bytes).digest("hex");

describe("lyftr send on the wire", () => {
  let recorder: Awaited<ReturnType<typeof recordingServer>>;
  beforeAll(async () => {
    recorder = await recordingServer();
  });
  afterAll(() => recorder.close());

  it("posts a file's bytes unchanged, signed over exactly those bytes", async () => {
    const bytes = Buffer.from(
      '{"message_id":"w1",  "from":"+919876543210","to":"+14155550100","ts":"2025-01-15T10:00:00Z","text":"ça 🚀"}\r\n',
    );
    const file = tempFile(bytes);
    try {
      const args = ["send", "--url", `${recorder.baseUrl}/`, "--file", file.path];
      const run = await lyftr(args, { env: { WEBHOOK_SECRET: SECRET } });
      expect(run.code).toBe(0);
      const [request] = recorder.seen.splice(0);
      expect(request!.body.equals(bytes)).toBe(true);
      expect(request!.headers["content-type"]).toBe("application/json");
      expect(request!.headers["x-signature"]).toBe(hmacHex(SECRET, bytes));
    } finally {
      file.remove();
    }
  });

  it("signs with the decoded bytes of a whsec_ secret", async () => {
    const raw = Buffer.from("0123456789abcdef0123456789abcdef");
    const bytes = Buffer.from('{"message_id":"w2"}\n');
    const run = await lyftr(["send", "--url", recorder.baseUrl, "--file", "-"], {
      env: { WEBHOOK_SECRET: `whsec_${raw.toString("base64")}` },
      input: bytes,
    });
    expect(run.code).toBe(0);
    const [request] = recorder.seen.splice(0);
    expect(request!.body.equals(bytes)).toBe(true);
    expect(request!.headers["x-signature"]).toBe(hmacHex(raw, bytes));
  });

  it("sends the Standard Webhooks headers it was given, and no X-Signature", async () => {
    const bytes = Buffer.from('{"message_id":"w3"}');
    const standard = ["--scheme", "standard", "--id", "msg_w3", "--timestamp", "1736935200"];
    const args = ["send", "--url", recorder.baseUrl, ...standard, "--file", "-"];
    const run = await lyftr(args, { env: { WEBHOOK_SECRET: SECRET }, input: bytes });
    expect(run.code).toBe(0);
    const [request] = recorder.seen.splice(0);
    const expected = createHmac("sha256", SECRET).update(`msg_w3.1736935200.${bytes}`).digest("base64");
    expect(request!.headers).toMatchObject({
      "webhook-id": "msg_w3",
      "webhook-timestamp": "1736935200",
      "webhook-signature": `v1,${expected}`,
    });
    expect(request!.headers["x-signature"]).toBeUndefined();
  });
});
