/**
 * bench/index.ts lists each suite's id, summary and cases without loading it (so `lab
 * list` and `--case` checking load no benchmark code). This checks the list against
 * the suites themselves, so the two cannot drift apart.
 */
import { describe, expect, it } from "vitest";
import { suites } from "../bench/index.js";
import { isMissingPackage, loadPeer } from "../bench/peers.js";

describe("the bench registry", () => {
  it.each(suites.map((s) => [s.id, s] as const))(
    "%s: id, summary and cases match the loaded suite",
    async (_, entry) => {
      const suite = await entry.load();
      expect(suite.id).toBe(entry.id);
      expect(suite.summary).toBe(entry.summary);
      expect(suite.cases).toEqual(entry.cases);
    },
    60_000,
  );
});

describe("loadPeer", () => {
  it("a package that is not installed: null, and one line naming it (once per process)", async () => {
    const lines: string[] = [];
    const missing = () => import("no-such-peer-for-async-lab" as string);
    expect(await loadPeer("no-such-peer-for-async-lab", missing, (l) => lines.push(l))).toBeNull();
    expect(await loadPeer("no-such-peer-for-async-lab", missing, (l) => lines.push(l))).toBeNull();
    expect(lines).toEqual([
      "peer 'no-such-peer-for-async-lab' is not installed; its rows are skipped " +
        "(npm install no-such-peer-for-async-lab to compare with it)",
    ]);
  });

  it("an installed peer that fails to load is an error, not a silent skip", async () => {
    const broken = () =>
      Promise.reject(Object.assign(new Error("Cannot find module 'left-pad'"), { code: "ERR_MODULE_NOT_FOUND" }));
    await expect(loadPeer("rxjs", broken, () => {})).rejects.toThrow("left-pad");
    expect(isMissingPackage({ code: "ERR_MODULE_NOT_FOUND", message: "Cannot find package 'rxjs'" }, "rxjs")).toBe(
      true,
    );
  });

  it("an installed peer loads", async () => {
    const rxjs = await loadPeer(
      "rxjs",
      () => import("rxjs"),
      () => {},
    );
    expect(typeof rxjs?.Subject).toBe("function");
  });
});
