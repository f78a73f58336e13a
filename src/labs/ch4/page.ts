/**
 * What chapter 4's local servers serve: a stand-in for the book's rust-lang.org page,
 * over plain HTTP and HTTPS (a self-signed certificate made at run time by openssl).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { HttpRequest, HttpResponse } from "../../index.js";

const PAGE = `<!DOCTYPE html>
<html lang="en">
<head><title>Rust Programming Language (local stand-in)</title></head>
<body>
  <h1>Rust</h1>
  <p>A language empowering everyone to build reliable and efficient software.</p>
</body>
</html>
`;

export function page(_req: HttpRequest): HttpResponse {
  return { status: 200, headers: { "Content-Type": "text/html; charset=utf-8" }, body: PAGE };
}

/** A self-signed certificate for localhost, or null (with the reason) when openssl is missing. */
export function selfSigned(): { key: string; cert: string } | string {
  const dir = mkdtempSync(join(tmpdir(), "async-lab-ch4-"));
  try {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
        "-days",
        "1",
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=DNS:localhost,IP:127.0.0.1",
      ],
      { stdio: "ignore" },
    );
    return { key: readFileSync(join(dir, "key.pem"), "utf8"), cert: readFileSync(join(dir, "cert.pem"), "utf8") };
  } catch (error) {
    return (
      `openssl not usable ` +
      `(${error instanceof Error ? error.message.split("\n")[0] : String(error)}); ` +
      `Node has no API to create a certificate`
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
