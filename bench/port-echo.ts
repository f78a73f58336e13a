/** The port floor's echo worker (actors-remote.ts): raw frames in, a reply frame per ask frame out. */
import { workerData, type MessagePort } from "node:worker_threads";
import { FrameReader, encodeFrame, encodePayload } from "../src/actors/remote/wire.js";

const port = (workerData as { port: MessagePort }).port;
/** Its answer's payload, encoded once: the floor frames, it does not encode. */
const answer = encodePayload(0);
const frames = new FrameReader();
port.on("message", (d: Uint8Array) => {
  frames.push(Buffer.from(d.buffer, d.byteOffset, d.byteLength));
  while (frames.advance())
    if (frames.correlation !== 0)
      port.postMessage(new Uint8Array(encodeFrame(0xffff_ffff, frames.correlation, answer)));
});
