/**
 * Outgoing ask timeouts (ask-deadlines.ts): one timer per peer, never early, any
 * length (a 3e9 ms timeout is past Node's 2^31 − 1 ms cap, which `setTimeout` turns
 * into 1 ms), a late reply dropped, shorter timeouts after longer ones, and no timer
 * holding the process once nothing waits.
 */
import { spawnSync } from "node:child_process";
import { MessageChannel } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { ActorSystem } from "../src/actors/system.js";
import { RequestTimeout } from "../src/actors/errors.js";
import { portPeer } from "../src/actors/remote/connect-peer.js";
import { AskDeadlines, type Expiring } from "../src/actors/remote/ask-deadlines.js";
import { ConnectionClosed, RemoteError } from "../src/actors/remote/remote-errors.js";
import { service, ServiceMap } from "../src/actors/remote/service-map.js";

/** "never": no answer; "<n>": the value n, answered n ms later. */
const Slow = service<string, number>("test", "Slow");
const Fast = service<string, number>("test", "Fast");
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const outcome = (p: PromiseLike<unknown>) =>
  Promise.resolve(p).then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );

function pair() {
  const system = new ActorSystem();
  const slow = system.spawn<string, number>(() => ({
    handle: (m) => (m === "never" ? new Promise<number>(() => {}) : sleep(Number(m)).then(() => Number(m))),
  }));
  const { port1, port2 } = new MessageChannel();
  const server = portPeer(port2, { services: new ServiceMap().expose(Slow, slow), name: "server" });
  const client = portPeer(port1, { name: "client" });
  return { client, server, remote: client.address(Slow), close: () => (client.close(), server.close()) };
}

describe("remote ask timeouts", () => {
  it("a 3e9 ms timeout does not fail at once: the ask waits for its answer", async () => {
    const { client, remote, close } = pair();
    expect(await outcome(remote.ask("30", 3e9))).toEqual({ value: 30 });
    const never = remote.ask("never", 3e9);
    const result = outcome(never);
    await sleep(50);
    expect(client.pendingAsks).toBe(1); // still waiting (Node's overflow would have failed it after 1 ms)
    client.close();
    expect((await result) as { error: unknown }).toEqual({ error: expect.any(ConnectionClosed) });
    close();
  });

  it("never early: an ask times out no sooner than its timeout", async () => {
    const { client, remote, close } = pair();
    for (const ms of [1, 7, 25]) {
      const t0 = performance.now();
      const r = await outcome(remote.ask("never", ms));
      expect(performance.now() - t0).toBeGreaterThanOrEqual(ms);
      expect((r as { error: unknown }).error).toBeInstanceOf(RequestTimeout);
    }
    expect(client.pendingAsks).toBe(0);
    close();
  });

  it("a late reply is dropped; the next ask gets its own answer", async () => {
    const { client, remote, close } = pair();
    const late = await outcome(remote.ask("60", 15));
    expect((late as { error: unknown }).error).toBeInstanceOf(RequestTimeout);
    await sleep(70); // the reply to the timed-out ask arrives meanwhile
    expect(await remote.ask("2")).toBe(2);
    expect(client.pendingAsks).toBe(0);
    close();
  });

  it("a shorter timeout after a longer one fires first; the longer ask still gets its answer", async () => {
    const { remote, close } = pair();
    const order: string[] = [];
    const long = outcome(remote.ask("80", 1000)).then((r) => (order.push("long"), r));
    const short = outcome(remote.ask("never", 20)).then((r) => (order.push("short"), r));
    expect(((await short) as { error: unknown }).error).toBeInstanceOf(RequestTimeout);
    expect(await long).toEqual({ value: 80 });
    expect(order).toEqual(["short", "long"]);
    close();
  });

  it("polled in a task, as awaited: the same timeout", async () => {
    const { remote, close } = pair();
    const system = new ActorSystem();
    const asker = system.spawn<string, unknown>(() => ({
      handle: async () => outcome(remote.ask("never", 20)),
    }));
    const r = (await asker.ask("go")) as { error: unknown };
    expect(r.error).toBeInstanceOf(RequestTimeout);
    asker.stop();
    close();
  });
});

describe("incoming asks (incoming-ask.ts)", () => {
  it("server askTimeoutMs: a handler that does not answer → `timeout` to the caller, its slot freed", async () => {
    const system = new ActorSystem();
    const never = system.spawn<string, number>(() => ({ handle: () => new Promise<number>(() => {}) }));
    const fast = system.spawn<string, number>(() => ({ handle: (m) => Number(m) }));
    const { port1, port2 } = new MessageChannel();
    const server = portPeer(port2, {
      services: new ServiceMap().expose(Slow, never).expose(Fast, fast),
      askTimeoutMs: 20,
      maxInFlight: 1,
    });
    const client = portPeer(port1, { name: "client" });
    const t0 = performance.now();
    const r = (await outcome(client.address(Slow).ask("never", 5000))) as { error: unknown };
    expect(performance.now() - t0).toBeGreaterThanOrEqual(20);
    expect(r.error).toBeInstanceOf(RemoteError);
    expect(r.error).toMatchObject({ kind: "timeout", service: "test::Slow" });
    expect((r.error as Error).message).toMatch(/did not reply within 20 ms/);
    expect(server.inFlight).toBe(0);
    // With one slot, this is answered only because the timed-out ask gave its slot back.
    expect(await client.address(Fast).ask("5")).toBe(5);
    client.close();
    server.close();
  });

  it("a full bounded mailbox: the incoming asks wait for room and are all answered, in order", async () => {
    const system = new ActorSystem();
    const seen: number[] = [];
    const bounded = system.spawn<string, number>(
      () => ({ handle: (m) => sleep(2).then(() => (seen.push(Number(m)), Number(m) * 10)) }),
      { capacity: 1 },
    );
    const { port1, port2 } = new MessageChannel();
    const server = portPeer(port2, { services: new ServiceMap().expose(Slow, bounded) });
    const client = portPeer(port1, { name: "client" });
    const remote = client.address(Slow);
    const answers = await Promise.all(["1", "2", "3", "4", "5"].map((m) => remote.ask(m)));
    expect(answers).toEqual([10, 20, 30, 40, 50]);
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(server.inFlight).toBe(0);
    client.close();
    server.close();
  });
});

describe("AskDeadlines", () => {
  class Entry implements Expiring {
    deadline = 0;
    waiting = true;
    expiredAt = -1;
    constructor(
      readonly name: string,
      readonly log: string[],
    ) {}
    expire(): void {
      this.expiredAt = performance.now();
      this.waiting = false;
      this.log.push(this.name);
    }
  }

  it("expires in deadline order and skips settled entries", async () => {
    const log: string[] = [];
    const deadlines = new AskDeadlines();
    const a = new Entry("a", log);
    const b = new Entry("b", log);
    const c = new Entry("c", log);
    const d = new Entry("d", log);
    deadlines.add(a, 30);
    deadlines.add(b, 10); // earlier than the tail: inserted before a, the timer re-armed
    deadlines.add(c, 20);
    deadlines.add(d, Infinity); // never queued
    expect(deadlines.size).toBe(3);
    c.waiting = false; // settled: dropped, not expired
    deadlines.settled(c);
    await sleep(60);
    expect(log).toEqual(["b", "a"]);
    for (const e of [a, b]) expect(e.expiredAt).toBeGreaterThanOrEqual(e.deadline);
    expect(deadlines.size).toBe(0);

    deadlines.clear();
  });

  it("one hanging ask does not keep 10,000 answered ones queued (before: all 10,001 stayed until its deadline)", () => {
    const log: string[] = [];
    const deadlines = new AskDeadlines();
    const hanging = new Entry("hanging", log);
    deadlines.add(hanging, 60_000);
    let peak = 0;
    for (let i = 0; i < 10_000; i++) {
      const e = new Entry(`e${i}`, log);
      deadlines.add(e, 60_000);
      e.waiting = false; // answered at once
      deadlines.settled(e);
      peak = Math.max(peak, deadlines.size);
    }
    expect(peak).toBeLessThanOrEqual(2 * 1024 + 2);
    expect(deadlines.size).toBeLessThanOrEqual(2 * 1024 + 2);
    expect(log).toEqual([]); // nothing expired
    hanging.waiting = false;
    deadlines.settled(hanging);
    expect(deadlines.size).toBe(0);
    deadlines.clear();
  });

  it("once nothing waits, its armed timer does not keep the process alive", () => {
    const t0 = performance.now();
    const out = spawnSync(process.execPath, ["--import", "tsx", "test/fixtures/ask-deadlines-idle.ts"], {
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(out.stdout.trim()).toBe("settled");
    expect(out.status).toBe(0);
    expect(performance.now() - t0).toBeLessThan(15_000); // the 60 s deadline did not hold it
  });
});
