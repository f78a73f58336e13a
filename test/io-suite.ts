/** Shared fixtures for the I/O tests: a counting waker, a self-signed certificate. */
import { execFileSync } from "node:child_process";
import type { Context, Waker } from "../src/index.js";
import { selfSigned } from "../src/labs/ch4/page.js";

/** A waker that counts wakes and lets a test await the next one. */
export class CountingWaker implements Waker {
  wakes = 0;
  private waiters: (() => void)[] = [];
  wake(): void {
    this.wakes++;
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
  /** Resolves at the next wake. */
  next(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
  get cx(): Context {
    return { waker: this };
  }
}

/** A self-signed certificate for 127.0.0.1/localhost: chapter 4's own, which openssl makes now. */
export function selfSignedCert(): { key: string; cert: string } {
  const made = selfSigned();
  if (typeof made === "string") throw new Error(made);
  return made;
}

export function hasCommand(name: string): boolean {
  try {
    execFileSync("which", [name], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
