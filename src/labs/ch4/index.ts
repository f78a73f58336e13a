/**
 * Chapter 4 — Integrating Networking Into Our Own Async Runtime.
 *
 * Everything runs on loopback (no internet here): the book's GET of rust-lang.org
 * becomes a GET of a local HTTP and HTTPS server (self-signed certificate generated
 * at run time with `openssl`), fetched by our HTTP client on our executor. The mio
 * experiment uses our `Poller` (tokens, readiness, would-block) the way the book uses
 * mio's `Poll`.
 */

import type { Chapter } from "../types.js";
import { reactor } from "./reactor.js";
import { fetchLocal } from "./fetch.js";
import { mio } from "./mio.js";
import { acceptLoop } from "./accept-loop.js";
import { serveForever } from "./serve.js";

export const ch4: Chapter = {
  id: "ch4",
  title: "Integrating Networking Into Our Own Async Runtime",
  options: [
    { flags: "--port <n>", description: "port for `lab ch4 serve` (default 8080)" },
    {
      flags: "--keep-alive-timeout <ms>",
      description: "`lab ch4 serve`: idle ms between requests before closing (default 5000, Node's; 0 = off)",
    },
    {
      flags: "--headers-timeout <ms>",
      description: "`lab ch4 serve`: ms to receive a request head, then 408 (default 60000, Node's; 0 = off)",
    },
    {
      flags: "--request-timeout <ms>",
      description: "`lab ch4 serve`: ms to receive a whole request, then 408 (default 300000, Node's; 0 = off)",
    },
  ],
  experiments: [
    {
      id: "reactor",
      book: "E4.1",
      title: "A library bound to another runtime's reactor",
      summary: "sleep() outside a runtime fails; fetch() works through the fromPromise adapter",
      run: reactor,
    },
    {
      id: "fetch",
      book: "E4.2",
      title: "Our HTTP client on our executor (HTTPS + plain, loopback)",
      summary: "GET a local HTTPS (self-signed) and plain server, print the page",
      run: fetchLocal,
    },
    {
      id: "mio",
      book: "E4.3",
      title: "Socket polling with tokens: would-block, then the message",
      summary: "Poller + tokens SERVER/CLIENT: first read would block, then 'that's so dingo!'",
      run: mio,
    },
    {
      id: "accept-loop",
      book: "E4.3",
      title: "Accept loop + spawn per connection",
      summary: "20 keep-alive clients, one task per connection",
      run: acceptLoop,
    },
    {
      id: "serve",
      title: "Keep the HTTP server running",
      summary: "serve on --port until Ctrl-C (point curl or a browser at it)",
      default: false,
      run: serveForever,
    },
  ],
};
